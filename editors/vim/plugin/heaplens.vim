" heaplens.vim - leak checks and flame graphs from heaplens in Vim.
" Diagnostics come through ALE (ale_linters/go/heaplens.vim); this file
" defines the commands and puts autoload/heaplens/ale.vim between ALE and
" the server. See :help heaplens.

if exists('g:loaded_heaplens') || &compatible
	finish
endif
let g:loaded_heaplens = 1

" :HeaplensCheck [PATH...]  leak checks into the quickfix list
command! -nargs=* -complete=file HeaplensCheck call heaplens#Check(<f-args>)
" :HeaplensFlame PROFILE [OPTIONS...]  the flame tree in a scratch buffer
command! -nargs=+ -complete=file HeaplensFlame call heaplens#Flame(<f-args>)
" :HeaplensGoroutines  the suspect goroutine groups into the quickfix list
command! HeaplensGoroutines call heaplens#Goroutines()

" ALE: heaplens's diagnostics at byte columns, with their explanations, and
" kept for files opened later (autoload/heaplens/ale.vim).
augroup heaplens_ale
	autocmd!
	autocmd User ALELSPStarted call heaplens#ale#LSPStarted()
augroup END
