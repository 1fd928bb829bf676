" autoload/heaplens.vim - the work behind :HeaplensCheck, :HeaplensFlame
" and :HeaplensGoroutines, and the project root the ALE linter starts the
" server in.
"
" :HeaplensCheck and :HeaplensFlame run the heaplens CLI synchronously (system()) and read its
" --json output: a check of a package or a flame tree takes well under a
" second, and the result is wanted before the command returns.
" :HeaplensGoroutines instead asks the buffer's running server, through
" ALE, which dumps it compares (the newest of each directory with the one
" before it); its answer fills the quickfix list when it comes.

" The heaplens command: g:heaplens_executable, else heaplens on $PATH.
function! heaplens#Executable() abort
	return get(g:, 'heaplens_executable', 'heaplens')
endfunction

" The project root for BUFFER: the directory of the nearest go.mod above
" its file, else the current directory (ALE needs a root to start a server).
function! heaplens#ProjectRoot(buffer) abort
	let l:name = bufname(a:buffer)
	let l:dir = empty(l:name) ? getcwd() : fnamemodify(l:name, ':p:h')
	let l:gomod = findfile('go.mod', fnameescape(l:dir) . ';')
	return empty(l:gomod) ? getcwd() : fnamemodify(l:gomod, ':p:h')
endfunction

" Run heaplens with the list ARGS in the current directory. Returns
" [stdout, stderr, exit status]; stderr is kept apart so that a warning
" cannot corrupt the JSON on stdout.
function! s:Run(args) abort
	let l:errfile = tempname()
	let l:cmd = join(map([heaplens#Executable()] + a:args,
	\ 'shellescape(v:val)')) . ' 2>' . shellescape(l:errfile)
	let l:out = system(l:cmd)
	let l:status = v:shell_error
	let l:err = filereadable(l:errfile) ? join(readfile(l:errfile), "\n") : ''
	call delete(l:errfile)
	return [l:out, l:err, l:status]
endfunction

" Report a failed run of heaplens: its first stderr line, or the status.
function! s:Fail(what, err, status) abort
	let l:line = get(split(a:err, "\n"), 0, '')
	echohl ErrorMsg
	echomsg 'heaplens ' . a:what . ': '
	\ . (empty(l:line) ? 'exit status ' . a:status : l:line)
	echohl None
endfunction

" Decode heaplens's JSON output; v:none (and a message) when it is not JSON.
function! s:Decode(what, out) abort
	try
		return json_decode(a:out)
	catch
		call s:Fail(a:what, 'unreadable output: ' . v:exception, 0)
		return v:none
	endtry
endfunction

" :HeaplensCheck [PATH...]: run `heaplens check --json` on the paths (by
" default the current buffer's project root) and put its findings in the
" quickfix list, opened when there are any.
function! heaplens#Check(...) abort
	let l:paths = a:0 ? copy(a:000) : [heaplens#ProjectRoot(bufnr('%'))]
	let [l:out, l:err, l:status] = s:Run(['check', '--json'] + l:paths)
	" 0: no findings, 1: findings; anything else is a usage or input error.
	if l:status != 0 && l:status != 1
		call s:Fail('check', l:err, l:status)
		return
	endif
	let l:result = s:Decode('check', l:out)
	if type(l:result) != v:t_dict
		return
	endif
	let l:items = []
	for l:f in get(l:result, 'findings', [])
		let l:severity = get(l:f, 'severity', 'warning')
		call add(l:items, {
		\ 'filename': l:f.file,
		\ 'lnum': l:f.line,
		\ 'col': l:f.col,
		\ 'type': l:severity ==# 'error' ? 'E' :
		\         l:severity ==# 'warning' ? 'W' : 'I',
		\ 'text': l:f.message . ' [' . l:f.check . ']',
		\ })
	endfor
	call setqflist([], ' ', {'title': 'heaplens check ' . join(l:paths),
	\ 'items': l:items})
	if empty(l:items)
		cclose
		echo 'heaplens check: no findings'
	else
		copen
	endif
endfunction

" VALUE in UNIT as a short string without spaces: bytes in B/kB/MB/GB
" (powers of 1024, as pprof prints them), nanoseconds in ns/us/ms/s,
" anything else as the plain number.
function! s:FormatValue(value, unit) abort
	let l:sign = a:value < 0 ? '-' : ''
	let l:v = abs(a:value)
	if a:unit ==# 'bytes'
		let l:steps = [[1024.0 * 1024 * 1024, 'GB'], [1024.0 * 1024, 'MB'],
		\ [1024.0, 'kB']]
		let l:last = 'B'
	elseif a:unit ==# 'nanoseconds'
		let l:steps = [[1.0e9, 's'], [1.0e6, 'ms'], [1.0e3, 'us']]
		let l:last = 'ns'
	else
		return l:sign . string(l:v)
	endif
	for [l:size, l:name] in l:steps
		if l:v >= l:size
			return l:sign . printf('%.1f', l:v / l:size) . l:name
		endif
	endfor
	return l:sign . string(l:v) . l:last
endfunction

" One row of the flame buffer for NODE at DEPTH in a tree of TOTAL UNIT:
" a bar proportional to the node's share, the percentage, the value, the
" indented name and, when known, file:line ('?' after it: unresolved).
function! s:FlameRow(node, depth, total, unit) abort
	let l:width = get(g:, 'heaplens_flame_bar_width', 20)
	let l:share = a:total == 0 ? 0.0 : 1.0 * a:node.value / a:total
	let l:bar = repeat('#', float2nr(round(abs(l:share) * l:width)))
	let l:row = printf('%-*s %6.1f%% %9s  %s%s', l:width, l:bar,
	\ l:share * 100.0, s:FormatValue(a:node.value, a:unit),
	\ repeat('  ', a:depth), a:node.name)
	if has_key(a:node, 'file') && !empty(a:node.file)
		let l:row .= '  ' . fnamemodify(a:node.file, ':~:.')
		\ . ':' . get(a:node, 'line', 0)
		\ . (get(a:node, 'resolved', v:false) ? '' : '?')
	endif
	return l:row
endfunction

" Append NODE (at DEPTH) and its children to LINES and NODES (NODES[i] is
" the node drawn on LINES[i]), dropping subtrees under the minimum share.
function! s:FlameWalk(node, depth, total, unit, lines, nodes) abort
	let l:min = get(g:, 'heaplens_flame_min_percent', 1.0)
	if a:depth > 0 && a:total != 0
	\ && abs(100.0 * a:node.value / a:total) < l:min
		return
	endif
	call add(a:lines, s:FlameRow(a:node, a:depth, a:total, a:unit))
	call add(a:nodes, a:node)
	for l:child in get(a:node, 'children', [])
		call s:FlameWalk(l:child, a:depth + 1, a:total, a:unit,
		\ a:lines, a:nodes)
	endfor
endfunction

" Make file paths of the tree absolute against the current directory (the
" one heaplens ran in), so that a jump still works after a :cd.
function! s:FlameAbsolute(node) abort
	if has_key(a:node, 'file') && !empty(a:node.file)
		let a:node.file = fnamemodify(a:node.file, ':p')
	endif
	for l:child in get(a:node, 'children', [])
		call s:FlameAbsolute(l:child)
	endfor
endfunction

" Show the flame tree DATA (heaplens flame --json's document) titled TITLE
" in the flame buffer, opening a window for it if none shows it.
function! heaplens#FlameShow(data, title) abort
	call s:FlameAbsolute(a:data.root)
	let l:lines = [printf('%s  %s  total %s', a:title, a:data.sample_index,
	\ s:FormatValue(a:data.total, a:data.unit)), '']
	let l:nodes = [{}, {}]
	call s:FlameWalk(a:data.root, 0, a:data.total, a:data.unit,
	\ l:lines, l:nodes)
	let l:win = bufwinnr('^heaplens-flame$')
	if l:win > 0
		execute l:win . 'wincmd w'
	else
		let l:buf = bufnr('^heaplens-flame$')
		execute 'botright ' . (l:buf > 0 ? 'sbuffer ' . l:buf : 'new heaplens-flame')
	endif
	setlocal buftype=nofile bufhidden=hide noswapfile nowrap nobuflisted
	setlocal modifiable
	silent %delete _
	call setline(1, l:lines)
	setlocal nomodifiable
	setlocal filetype=heaplensflame
	let b:heaplens_flame_nodes = l:nodes
	nnoremap <buffer> <silent> <CR> :call heaplens#FlameJump()<CR>
	nnoremap <buffer> <silent> q :close<CR>
	call cursor(3, 1)
endfunction

" :HeaplensFlame PROFILE [OPTIONS...]: `heaplens flame --json` on the
" profile (options such as --sample-index, --base, --focus passed through)
" drawn in the flame buffer.
function! heaplens#Flame(profile, ...) abort
	let l:args = ['flame', a:profile] + a:000
	\ + get(g:, 'heaplens_flame_args', []) + ['--json']
	let [l:out, l:err, l:status] = s:Run(l:args)
	if l:status != 0
		call s:Fail('flame', l:err, l:status)
		return
	endif
	let l:data = s:Decode('flame', l:out)
	if type(l:data) != v:t_dict || !has_key(l:data, 'root')
		return
	endif
	call heaplens#FlameShow(l:data, a:profile)
endfunction

" The flame node drawn on line LNUM of the flame buffer ({} for none).
function! heaplens#FlameNode(lnum) abort
	return get(get(b:, 'heaplens_flame_nodes', []), a:lnum - 1, {})
endfunction

" <CR> in the flame buffer: open the node's file at its hottest line in the
" previous window (a new one when the flame window is alone).
function! heaplens#FlameJump() abort
	let l:node = heaplens#FlameNode(line('.'))
	if empty(l:node)
		return
	endif
	let l:file = get(l:node, 'file', '')
	if empty(l:file) || !get(l:node, 'resolved', v:false)
	\ || !filereadable(l:file)
		echo 'heaplens: no local source for ' . l:node.name
		\ . (empty(l:file) ? '' : ' (' . l:file . ':' . l:node.line . ')')
		return
	endif
	let l:prev = winnr('#')
	if l:prev == 0 || l:prev == winnr()
		aboveleft split
	else
		execute l:prev . 'wincmd w'
	endif
	if fnamemodify(bufname('%'), ':p') !=# l:file
		if &modified && !&hidden
			split
		endif
		execute 'edit ' . fnameescape(l:file)
	endif
	normal! m'
	call cursor(l:node.line, 1)
	normal! zv
endfunction

" The file of a location {file, line, uri?} of heaplens/goroutineGroups:
" the workspace file the server resolved, else the path in the dump.
function! s:LocationFile(loc) abort
	if type(a:loc) != v:t_dict
		return ''
	endif
	if type(get(a:loc, 'uri', v:null)) == v:t_string
		return ale#util#ToResource(a:loc.uri)
	endif
	return get(a:loc, 'file', '')
endfunction

" The answer RESPONSE to heaplens/goroutineGroups: the suspect groups'
" blocking lines into the quickfix list (the server sends suspects
" first), opened when there are any.
function! heaplens#GoroutinesHandle(response) abort
	if has_key(a:response, 'error')
		call s:Fail('goroutines', get(a:response.error, 'message', ''), 0)
		return
	endif
	let l:result = get(a:response, 'result', {})
	let l:items = []
	for l:g in type(l:result) == v:t_dict ? get(l:result, 'groups', []) : []
		let l:file = s:LocationFile(l:g.blockedAt)
		if l:g.suspect isnot v:true || empty(l:file)
			continue
		endif
		let l:text = printf('%d goroutines blocked in %s in %s', l:g.count,
		\ l:g.state is v:null ? '?' : l:g.state,
		\ l:g.function is v:null ? '?' : l:g.function)
		if type(l:g.createdAt) == v:t_dict
			let l:text .= printf(' (created at %s:%d)',
			\ fnamemodify(l:g.createdAt.file, ':t'), l:g.createdAt.line)
		endif
		if type(l:g.growth) == v:t_number && l:g.growth != 0
			let l:text .= printf(', %+d since the base dump', l:g.growth)
		endif
		call add(l:items, {'filename': l:file, 'lnum': l:g.blockedAt.line,
		\ 'type': 'W', 'text': l:text . ' [' . fnamemodify(l:g.dump, ':t') . ']'})
	endfor
	call setqflist([], ' ', {'title': 'heaplens goroutines', 'items': l:items})
	if empty(l:items)
		cclose
		echo 'heaplens goroutines: no suspect group'
	else
		copen
	endif
endfunction

" :HeaplensGoroutines: ask the current Go buffer's heaplens server (ALE's
" connection) for heaplens/goroutineGroups; the answer fills the quickfix
" list (heaplens#GoroutinesHandle) when it comes.
function! heaplens#Goroutines() abort
	try
		call ale#lsp_linter#SendRequest(bufnr('%'), 'heaplens',
		\ [0, 'heaplens/goroutineGroups', {}],
		\ function('heaplens#GoroutinesHandle'))
	catch /^Linter "heaplens" not found/
		call s:Fail('goroutines', 'needs a Go buffer with ALE''s heaplens '
		\ . 'linter', 0)
	endtry
endfunction
