" heaplens.vim - leak checks and flame graphs from heaplens in Vim.
" Diagnostics come through ALE (ale_linters/go/heaplens.vim); this file only
" defines the commands. See :help heaplens.

if exists('g:loaded_heaplens') || &compatible
	finish
endif
let g:loaded_heaplens = 1

" :HeaplensCheck [PATH...]  leak checks into the quickfix list
command! -nargs=* -complete=file HeaplensCheck call heaplens#Check(<f-args>)
" :HeaplensFlame PROFILE [OPTIONS...]  the flame tree in a scratch buffer
command! -nargs=+ -complete=file HeaplensFlame call heaplens#Flame(<f-args>)
