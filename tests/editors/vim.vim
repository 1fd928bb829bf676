" vim.vim - the Vim half of tests/editors/vim.sh, run by `vim -es` in a copy
" of samples/. It loads ALE and editors/vim, then checks ALE's heaplens
" diagnostics (escape sites and goroutine-leak warnings included),
" :HeaplensCheck, the flame buffer's jump and :HeaplensGoroutines against
" what the heaplens CLI said (the files vim.sh wrote), and
" writes one result per line to $RESULTS: "ok<Tab>NAME",
" "not ok<Tab>NAME<Tab>REASON" or "#<Tab>COMMENT".

set nocompatible
" As Vim sets it in a UTF-8 locale: in the C locale it would be latin1, where
" json_decode() cannot keep the "—" of the server's messages, and the test
" could not tell non-ASCII text from bytes.
set encoding=utf-8
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

" ALE's heaplens escape-site items (code escape) in the current buffer.
function! s:AleEscapes() abort
	return filter(copy(ale#engine#GetLoclist(bufnr('%'))),
	\ {_, v -> v.linter_name ==# 'heaplens' && get(v, 'code', '') ==# 'escape'})
endfunction

" Whether ALE item V is the escape site S of heaplens escape --json: the
" same line, the same byte column (what a loclist's col is), and the site's
" message, maybe followed by its line's cost.
function! s:IsSite(v, s) abort
	return a:v.lnum == a:s.line && a:v.col == a:s.col
	\ && (a:v.text ==# a:s.message
	\     || stridx(a:v.text, a:s.message . " \u2014 ") == 0)
endfunction

" The sites of the list SITES no item of ITEMS matches, and the items left
" over, pairing them one to one: [missing, extra].
function! s:MatchSites(sites, items) abort
	let l:left = copy(a:items)
	let l:missing = []
	for l:s in a:sites
		let l:hit = -1
		for l:i in range(len(l:left))
			if s:IsSite(l:left[l:i], l:s)
				let l:hit = l:i
				break
			endif
		endfor
		if l:hit >= 0
			call remove(l:left, l:hit)
		else
			call add(l:missing, l:s)
		endif
	endfor
	return [l:missing, l:left]
endfunction

" Sites or ALE items as 'line:col message' for a failure message.
function! s:ShowSites(list) abort
	return join(map(copy(a:list), {_, x -> printf('%d:%d %s',
	\ get(x, 'line', get(x, 'lnum', 0)), x.col,
	\ get(x, 'message', get(x, 'text', '')))}), '; ')
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

" ALE: the compiler's escape sites of $ESCAPE_SOURCE, as heaplens escape
" --json lists them, at their lines and byte columns, the sites after
" non-ASCII text included; the moved e with its cost and explanation.
function! s:TestEscapes() abort
	let l:path = fnamemodify($ESCAPE_SOURCE, ':p')
	let l:want = filter(s:ReadJson($ESCAPE_JSON).sites,
	\ {_, s -> fnamemodify(s.source, ':p') ==# l:path})
	let l:kinds = uniq(sort(map(copy(l:want), 'v:val.kind')))
	if l:kinds ==# ['escape', 'leak', 'moved']
		call s:Ok('heaplens escape --json lists escape, moved and leak sites')
	else
		call s:NotOk('heaplens escape --json lists escape, moved and leak sites',
		\ string(l:kinds))
	endif
	execute 'edit ' . fnameescape($ESCAPE_SOURCE)
	ALELint
	call s:WaitFor({-> len(s:AleEscapes()) == len(l:want)}, 30)
	let l:got = s:AleEscapes()
	let [l:missing, l:extra] = s:MatchSites(l:want, l:got)
	let l:name = printf('ALE shows the %d escape sites at their lines and '
	\ . 'byte columns', len(l:want))
	if !empty(l:want) && empty(l:missing) && empty(l:extra)
		call s:Ok(l:name)
	else
		call s:NotOk(l:name, 'missing ' . s:ShowSites(l:missing)
		\ . ' / extra ' . s:ShowSites(l:extra))
	endif
	" The sites after non-ASCII text, where a UTF-16 column (the server's)
	" taken for a byte column lands too far left.
	let l:wide = filter(copy(l:want), {_, s -> strlen(strpart(getline(s.line),
	\ 0, s.col - 1)) != strchars(strpart(getline(s.line), 0, s.col - 1))})
	let l:lines = uniq(sort(map(copy(l:wide), 'v:val.line'), 'n'))
	let l:name = 'ALE shows the escape sites after non-ASCII text (lines '
	\ . join(l:lines, ', ') . ') at their byte columns'
	let l:missing = s:MatchSites(l:wide, l:got)[0]
	if index(l:lines, 82) >= 0 && index(l:lines, 135) >= 0 && empty(l:missing)
		call s:Ok(l:name)
	else
		call s:NotOk(l:name, 'missing ' . s:ShowSites(l:missing) . ' in '
		\ . s:ShowSites(filter(copy(l:got), {_, v -> index(l:lines, v.lnum) >= 0})))
	endif
	" The moved e: the cost heaplens escape --profile prints.
	let l:cost = ''
	for l:line in readfile($ESCAPE_TXT)
		let l:m = matchlist(l:line, 'escapes/main\.go:34:2: moved to heap: e '
		\ . "\u2014" . ' \(.*\) \[moved\]$')
		if !empty(l:m)
			let l:cost = l:m[1]
		endif
	endfor
	let l:moved = filter(copy(l:got),
	\ {_, v -> v.lnum == 34 && stridx(v.text, 'moved to heap: e') == 0})
	let l:name = 'moved to heap: e says what heaplens escape --profile does: '
	\ . l:cost
	if !empty(l:cost) && len(l:moved) == 1
	\ && l:moved[0].text ==# 'moved to heap: e ' . "\u2014" . ' ' . l:cost
		call s:Ok(l:name)
	else
		call s:NotOk(l:name, string(l:moved))
	endif
	" Its explanation (relatedInformation) in the details (:ALEDetail).
	let l:name = ':ALEDetail of moved to heap: e has the step from &e (address-of)'
	if len(l:moved) == 1
	\ && stridx(get(l:moved[0], 'detail', ''), 'from &e (address-of)') >= 0
		call s:Ok(l:name)
	else
		call s:NotOk(l:name, string(l:moved))
	endif
	" Published again while the buffer is open (another sample type changes
	" the costs in the messages), the sites go through ALE's own handler too:
	" they stay at their byte columns.
	call s:SelectSampleIndex('alloc_objects')
	let l:name = 'after a republish (alloc_objects) the sites after non-ASCII '
	\ . 'text are still at their byte columns'
	if !s:WaitFor({-> s:MovedText() !=# get(get(l:moved, 0, {}), 'text', '')
	\ && len(s:AleEscapes()) == len(l:want)}, 30)
		call s:NotOk(l:name, 'no republish: ' . s:MovedText())
	else
		let l:missing = s:MatchSites(l:wide, s:AleEscapes())[0]
		if empty(l:missing)
			call s:Ok(l:name)
		else
			call s:NotOk(l:name, 'missing ' . s:ShowSites(l:missing) . ' in '
			\ . s:ShowSites(filter(s:AleEscapes(),
			\ {_, v -> index(l:lines, v.lnum) >= 0})))
		endif
	endif
	call s:SelectSampleIndex('alloc_space')
endfunction

" The text of ALE's moved to heap: e on line 34, or ''.
function! s:MovedText() abort
	for l:v in s:AleEscapes()
		if l:v.lnum == 34 && stridx(l:v.text, 'moved to heap: e') == 0
			return l:v.text
		endif
	endfor
	return ''
endfunction

" Ask the current buffer's heaplens server to show sample type NAME.
function! s:SelectSampleIndex(name) abort
	call ale#lsp_linter#SendRequest(bufnr('%'), 'heaplens',
	\ [0, 'workspace/executeCommand', {'command': 'heaplens.selectSampleIndex',
	\ 'arguments': [a:name]}])
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

" ALE's heaplens goroutine-leak items in the current buffer.
function! s:AleGoroutines() abort
	return filter(copy(ale#engine#GetLoclist(bufnr('%'))),
	\ {_, v -> v.linter_name ==# 'heaplens'
	\ && get(v, 'code', '') ==# 'goroutine-leak'})
endfunction

" Goroutine dumps: ALE shows the goroutine-leak warnings where the groups
" of heaplens goroutines --json --base (those of $GOROUTINES_SOURCE that
" grew) block and start, with the CLI's counts; :HeaplensGoroutines puts
" the blocking line in the quickfix list, and <CR> there lands on it.
function! s:TestGoroutines() abort
	let l:want = []
	let l:blocked = {}
	for l:g in s:ReadJson($GOROUTINES_JSON).groups
		if type(l:g.blocked_at) != v:t_dict || type(l:g.created_at) != v:t_dict
		\ || l:g.blocked_at.file !~# '/goroutineleak/main\.go$'
		\ || type(l:g.growth) != v:t_number || l:g.growth <= 0
			continue
		endif
		let l:since = printf(" \u2014 +%d since goroutine-base.txt "
		\ . '[goroutine.txt]', l:g.growth)
		if empty(l:blocked)
			let l:blocked = l:g
		endif
		call add(l:want, [l:g.blocked_at.line, 'W', printf('%d goroutines '
		\ . 'blocked in %s here (created at main.go:%d)', l:g.count, l:g.state,
		\ l:g.created_at.line) . l:since])
		call add(l:want, [l:g.created_at.line, 'W', printf('%d goroutines '
		\ . 'started here are blocked in %s at main.go:%d', l:g.count,
		\ l:g.state, l:g.blocked_at.line) . l:since])
	endfor
	call sort(l:want, {a, b -> a[0] - b[0]})
	let l:name = 'heaplens goroutines --json: a group blocked at '
	\ . 'goroutineleak/main.go:45, started at :44, grown since the base'
	if map(copy(l:want), 'v:val[0]') ==# [44, 45]
		call s:Ok(l:name)
	else
		call s:NotOk(l:name, string(l:want))
		return
	endif
	only
	execute 'edit ' . fnameescape($GOROUTINES_SOURCE)
	ALELint
	call s:WaitFor({-> len(s:AleGoroutines()) == len(l:want)}, 30)
	let l:got = sort(map(s:AleGoroutines(), '[v:val.lnum, v:val.type, v:val.text]'),
	\ {a, b -> a[0] - b[0]})
	let l:name = 'ALE shows the goroutine-leak warnings on lines 44 and 45 '
	\ . 'with the CLI''s counts'
	if l:got ==# l:want
		call s:Ok(l:name)
	else
		call s:NotOk(l:name, 'expected ' . string(l:want) . ' got '
		\ . string(l:got))
	endif

	" From another Go buffer of the project.
	execute 'edit ' . fnameescape($FLAME_SOURCE)
	HeaplensGoroutines
	call s:WaitFor({-> getqflist({'title': 1}).title ==# 'heaplens goroutines'},
	\ 30)
	let l:qf = getqflist()
	let l:path = fnamemodify($GOROUTINES_SOURCE, ':p')
	let l:name = printf(':HeaplensGoroutines lists the suspect group at '
	\ . '%s:%d', $GOROUTINES_SOURCE, l:blocked.blocked_at.line)
	" Other samples' dumps have suspects of their own.
	let l:row = 0
	for l:i in range(len(l:qf))
		if fnamemodify(bufname(l:qf[l:i].bufnr), ':p') ==# l:path
		\ && l:qf[l:i].lnum == l:blocked.blocked_at.line
		\ && stridx(l:qf[l:i].text, printf('%d goroutines blocked in %s in %s',
		\ l:blocked.count, l:blocked.state, l:blocked.function)) == 0
			let l:row = l:i + 1
		endif
	endfor
	if l:row > 0
		call s:Ok(l:name)
	else
		call s:NotOk(l:name, 'title ' . string(getqflist({'title': 1}))
		\ . ' items ' . string(l:qf))
		return
	endif
	if &buftype !=# 'quickfix'
		call s:NotOk(':HeaplensGoroutines opens the quickfix window',
		\ 'current buffer: ' . bufname('%'))
		return
	endif
	call cursor(l:row, 1)
	execute "normal \<CR>"
	let l:name = printf('<CR> in the list lands on %s:%d', $GOROUTINES_SOURCE,
	\ l:blocked.blocked_at.line)
	if fnamemodify(bufname('%'), ':p') ==# l:path
	\ && line('.') == l:blocked.blocked_at.line
		call s:Ok(l:name)
	else
		call s:NotOk(l:name, printf('at %s:%d', bufname('%'), line('.')))
	endif
endfunction

try
	call s:TestAle()
	call s:TestEscapes()
	call s:TestCheck()
	" Without heaplens flame, vim.sh said so already.
	if !empty($FLAME_JSON)
		call s:TestFlame()
	endif
	call s:TestGoroutines()
catch
	call s:NotOk('the Vim script runs', v:exception . ' at ' . v:throwpoint)
finally
	call writefile(s:results, $RESULTS)
	qall!
endtry
