" vim.vim - the Vim half of tests/editors/vim.sh, run by `vim -es` in a copy
" of samples/. It loads ALE and editors/vim, then checks ALE's heaplens
" diagnostics, :HeaplensCheck and the flame buffer's jump against what the
" heaplens CLI said (the JSON files vim.sh wrote), and writes one result per
" line to $RESULTS: "ok<Tab>NAME", "not ok<Tab>NAME<Tab>REASON" or
" "#<Tab>COMMENT".

set nocompatible
let &runtimepath = $TOP . '/editors/vim,' . $ALE_DIR . ',' . &runtimepath
let g:heaplens_executable = $HEAPLENS_CMD
let g:ale_go_heaplens_executable = $HEAPLENS_CMD
let g:ale_linters = {'go': executable('gopls') ? ['gopls', 'heaplens']
\ : ['heaplens']}
let g:ale_echo_cursor = 0
let g:ale_set_highlights = 0
filetype plugin on
runtime plugin/ale.vim
runtime plugin/heaplens.vim

let s:results = []

" Record a passed check.
function! s:Ok(name) abort
	call add(s:results, "ok\t" . a:name)
endfunction

" Record a failed check and why.
function! s:NotOk(name, reason) abort
	call add(s:results, "not ok\t" . a:name . "\t" . a:reason)
endfunction

" Record a comment (a skipped part).
function! s:Comment(text) abort
	call add(s:results, "#\t" . a:text)
endfunction

" Sleep (letting ALE's jobs and timers run) until the function Cond returns
" true or SECONDS pass; returns whether it became true.
function! s:WaitFor(Cond, seconds) abort
	let l:tries = a:seconds * 10
	while l:tries > 0
		if a:Cond()
			return 1
		endif
		sleep 100m
		let l:tries -= 1
	endwhile
	return a:Cond()
endfunction

" The JSON document in file NAME.
function! s:ReadJson(name) abort
	return json_decode(join(readfile(a:name), "\n"))
endfunction

" ALE's heaplens items in the current buffer matching the finding F.
function! s:AleMatches(f) abort
	return filter(copy(ale#engine#GetLoclist(bufnr('%'))),
	\ {_, v -> v.linter_name ==# 'heaplens' && get(v, 'code', '') ==# a:f.check
	\ && v.lnum == a:f.line && v.col == a:f.col})
endfunction

" ALE's heaplens hot-alloc items in the current buffer.
function! s:AleHot() abort
	return filter(copy(ale#engine#GetLoclist(bufnr('%'))),
	\ {_, v -> v.linter_name ==# 'heaplens' && get(v, 'code', '') ==# 'hot-alloc'})
endfunction

" Whether ALE has an initialized language server whose id contains NAME.
function! s:ServerUp(name) abort
	for l:conn in values(ale#lsp#GetConnections())
		if stridx(l:conn.id, a:name) >= 0 && l:conn.initialized
			return 1
		endif
	endfor
	return 0
endfunction

" ALE: heaplens's first finding in the file shows up on its line, with its
" check id as the code, and gopls runs beside it when installed.
function! s:TestAle() abort
	let l:f = s:ReadJson($CHECK_FILE_JSON).findings[0]
	execute 'edit ' . fnameescape(l:f.file)
	ALELint
	let l:name = printf('ALE shows heaplens %s at %s:%d:%d', l:f.check,
	\ l:f.file, l:f.line, l:f.col)
	if s:WaitFor({-> !empty(s:AleMatches(l:f))}, 30)
		call s:Ok(l:name)
	else
		call s:NotOk(l:name, 'loclist: '
		\ . string(ale#engine#GetLoclist(bufnr('%'))))
	endif
	" Line costs: hot-alloc diagnostics on the lines the profiles find hot.
	let l:hot = map(split($HOT_LINES), 'str2nr(v:val)')
	let l:name = 'ALE shows hot-alloc costs on the hot lines ' . string(l:hot)
	if empty(l:hot)
		call s:NotOk(l:name, 'no hot line in the profiles of the sample')
	elseif s:WaitFor({-> !empty(s:AleHot())}, 30)
		let l:bad = filter(copy(s:AleHot()), {_, v -> index(l:hot, v.lnum) < 0})
		if empty(l:bad)
			call s:Ok(l:name)
		else
			call s:NotOk(l:name, 'hot-alloc elsewhere: ' . string(l:bad))
		endif
	else
		call s:NotOk(l:name, 'loclist: '
		\ . string(ale#engine#GetLoclist(bufnr('%'))))
	endif
	if executable('gopls')
		if s:WaitFor({-> s:ServerUp('gopls') && s:ServerUp('heaplens')}, 30)
			call s:Ok('gopls and heaplens both run for the buffer')
		else
			call s:NotOk('gopls and heaplens both run for the buffer',
			\ 'connections: ' . string(map(values(ale#lsp#GetConnections()),
			\ '[v:val.id, v:val.initialized]')))
		endif
	else
		call s:Comment('gopls is not installed: not run beside heaplens')
	endif
endfunction

" :HeaplensCheck samples: the quickfix list is the CLI's findings, in order,
" and its window is open.
function! s:TestCheck() abort
	let l:want = map(s:ReadJson($CHECK_ALL_JSON).findings,
	\ {_, f -> [fnamemodify(f.file, ':p'), f.line, f.col,
	\ f.message . ' [' . f.check . ']']})
	HeaplensCheck samples
	let l:got = map(getqflist(), {_, q -> [fnamemodify(bufname(q.bufnr), ':p'),
	\ q.lnum, q.col, q.text]})
	if l:got ==# l:want && !empty(l:want)
		call s:Ok(printf(':HeaplensCheck lists the CLI''s %d findings',
		\ len(l:want)))
	else
		call s:NotOk(':HeaplensCheck lists the CLI''s findings',
		\ 'expected ' . string(l:want) . ' got ' . string(l:got))
	endif
	if &buftype ==# 'quickfix'
		call s:Ok(':HeaplensCheck opens the quickfix window')
	else
		call s:NotOk(':HeaplensCheck opens the quickfix window',
		\ 'current buffer: ' . bufname('%'))
	endif
endfunction

" The resolved node of NODE's tree with the largest self value, as
" [node, names of the path from the root to it]; the first in depth-first
" order on a tie. BEST is the best so far.
function! s:Hottest(node, path, best) abort
	let l:path = a:path + [a:node.name]
	let l:best = a:best
	if get(a:node, 'resolved', v:false)
	\ && (empty(l:best) || a:node.self > l:best[0].self)
		let l:best = [a:node, l:path]
	endif
	for l:child in get(a:node, 'children', [])
		let l:best = s:Hottest(l:child, l:path, l:best)
	endfor
	return l:best
endfunction

" The line of the flame buffer drawing the node at the end of PATH (names
" from the root): each name found below the previous one, indented one
" step more; 0 when it is not drawn.
function! s:FlameRowOf(path) abort
	let l:lnum = 1
	let l:depth = 0
	for l:name in a:path
		let l:pat = '^.\{-}%\s\+\S\+  ' . repeat('  ', l:depth)
		\ . '\V' . escape(l:name, '\') . '\m\%(  \|$\)'
		let l:lnum = match(getline(1, '$'), l:pat, l:lnum) + 1
		if l:lnum == 0
			return 0
		endif
		let l:depth += 1
	endfor
	return l:lnum
endfunction

" The flame buffer: <CR> on the hottest function jumps to its file and
" hottest line in the previous window.
function! s:TestFlame() abort
	let l:data = s:ReadJson($FLAME_JSON)
	let l:best = s:Hottest(l:data.root, [], [])
	if empty(l:best)
		call s:NotOk('the flame tree has a resolved node', 'none in '
		\ . $FLAME_JSON)
		return
	endif
	let [l:node, l:path] = l:best
	only
	execute 'edit ' . fnameescape($FLAME_SOURCE)
	execute 'HeaplensFlame ' . fnameescape($FLAME_PROFILE)
	if bufname('%') !=# 'heaplens-flame'
		call s:NotOk(':HeaplensFlame opens the flame buffer',
		\ 'current buffer: ' . bufname('%'))
		return
	endif
	call s:Ok(':HeaplensFlame opens the flame buffer')
	let l:row = s:FlameRowOf(l:path)
	let l:name = printf('<CR> on %s jumps to %s:%d', l:node.name,
	\ fnamemodify(l:node.file, ':.'), l:node.line)
	if l:row == 0
		call s:NotOk(l:name, 'no row for ' . join(l:path, ' > ') . ' in '
		\ . string(getline(1, '$')))
		return
	endif
	call cursor(l:row, 1)
	execute "normal \<CR>"
	let l:file = fnamemodify(bufname('%'), ':p')
	if l:file ==# fnamemodify(l:node.file, ':p') && line('.') == l:node.line
		call s:Ok(l:name)
	else
		call s:NotOk(l:name, printf('at %s:%d', l:file, line('.')))
	endif
endfunction

try
	call s:TestAle()
	call s:TestCheck()
	" Without heaplens flame, vim.sh said so already.
	if !empty($FLAME_JSON)
		call s:TestFlame()
	endif
catch
	call s:NotOk('the Vim script runs', v:exception . ' at ' . v:throwpoint)
finally
	call writefile(s:results, $RESULTS)
	qall!
endtry
