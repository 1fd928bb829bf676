" autoload/heaplens/ale.vim - heaplens's diagnostics in ALE, where ALE's own
" LSP client gets them wrong: it takes LSP's UTF-16 columns for byte
" columns (a site after "·" or an emoji lands left of its identifier), it
" drops what the server publishes for a file before the file is open in
" Vim (heaplens publishes once per change, so a file opened later got
" nothing), and its details lose the relatedInformation (the compiler's
" explanation of an escape site). See :help heaplens-ale-client.
"
" plugin/heaplens.vim calls heaplens#ale#LSPStarted on ALE's ALELSPStarted
" event; it puts heaplens#ale#HandleMessage on the heaplens connection's
" callbacks, after ALE's own (ALE sorts them by name: 'ale#...' comes
" first), so that what it hands ALE replaces what ALE made of the message.

" The latest diagnostics the server published, by resolved file name.
let s:published = get(s:, 'published', {})

" The heaplens linter ALE has for BUFFER's filetype, or {}.
function! s:Linter(buffer) abort
	for l:linter in ale#linter#Get(getbufvar(a:buffer, '&filetype'))
		if l:linter.name is# 'heaplens'
			return l:linter
		endif
	endfor
	return {}
endfunction

" The byte index in TEXT (UTF-8) of the UTF-16 offset UNITS, as LSP counts
" a character; the end of TEXT when it is shorter.
function! s:ByteIndex(text, units) abort
	let l:i = 0
	let l:units = 0
	let l:len = strlen(a:text)
	while l:i < l:len && l:units < a:units
		" A byte at a time, so that 'encoding' does not matter.
		let l:b = char2nr(a:text[l:i])
		if l:b >= 0xF0
			let [l:i, l:units] = [l:i + 4, l:units + 2]
		elseif l:b >= 0xE0
			let [l:i, l:units] = [l:i + 3, l:units + 1]
		elseif l:b >= 0xC0
			let [l:i, l:units] = [l:i + 2, l:units + 1]
		else
			let [l:i, l:units] = [l:i + 1, l:units + 1]
		endif
	endwhile
	return min([l:i, l:len])
endfunction

" The 0-based byte column in BUFFER of the LSP position POS.
function! s:ByteColumn(buffer, pos) abort
	let l:text = get(getbufline(a:buffer, a:pos.line + 1), 0, '')
	return s:ByteIndex(l:text, a:pos.character)
endfunction

" The LSP diagnostic D as an ALE loclist item for BUFFER, as ALE's
" ale#lsp#response#ReadDiagnostics makes it but for the columns, in bytes,
" and the details, which go on with the relatedInformation.
function! s:Item(buffer, d) abort
	let l:severity = get(a:d, 'severity', 0)
	let l:item = {
	\ 'text': substitute(a:d.message, '\r\n\|\n\|\r', ' ', 'g'),
	\ 'type': l:severity >= 2 && l:severity <= 4 ? 'W' : 'E',
	\ 'lnum': a:d.range.start.line + 1,
	\ 'col': s:ByteColumn(a:buffer, a:d.range.start) + 1,
	\ 'end_lnum': a:d.range.end.line + 1,
	\ 'end_col': s:ByteColumn(a:buffer, a:d.range.end),
	\}
	let l:code = get(a:d, 'code', v:null)
	if type(l:code) == v:t_string
		let l:item.code = l:code
	elseif type(l:code) == v:t_number && l:code != -1
		let l:item.code = string(l:code)
		let l:item.nr = l:code
	endif
	let l:detail = '[' . get(a:d, 'source', 'heaplens') . '] ' . a:d.message
	for l:r in get(a:d, 'relatedInformation', v:null) is v:null ? []
	\ : a:d.relatedInformation
		let l:detail .= printf("\n  %s:%d: %s",
		\ fnamemodify(ale#util#ToResource(l:r.location.uri), ':~:.'),
		\ l:r.location.range.start.line + 1, l:r.message)
	endfor
	let l:item.detail = l:detail
	return l:item
endfunction

" Whether ALE would show heaplens's diagnostics in BUFFER (as its own
" handler decides: LSP on, heaplens not ignored, the buffer known).
function! s:Wanted(buffer) abort
	if empty(get(g:ale_buffer_info, a:buffer, {}))
	\ || ale#Var(a:buffer, 'disable_lsp')
		return 0
	endif
	let l:ignore = ale#Var(a:buffer, 'linters_ignore')
	return empty(l:ignore) || index(ale#engine#ignore#GetList(
	\ getbufvar(a:buffer, '&filetype'), l:ignore), 'heaplens') < 0
endfunction

" Hand ALE the kept diagnostics of BUFFER's file, when there are some.
function! s:Show(buffer) abort
	let l:key = resolve(fnamemodify(bufname(a:buffer), ':p'))
	if !has_key(s:published, l:key) || !bufloaded(a:buffer)
	\ || !s:Wanted(a:buffer)
		return
	endif
	call ale#engine#HandleLoclist('heaplens', a:buffer,
	\ map(copy(s:published[l:key]), {_, d -> s:Item(a:buffer, d)}), 0)
endfunction

" A message from a heaplens server: keep the diagnostics it publishes and
" show them, right, where ALE showed them wrong.
function! heaplens#ale#HandleMessage(conn_id, response) abort
	if get(a:response, 'method', '') isnot# 'textDocument/publishDiagnostics'
		return
	endif
	let l:name = ale#util#ToResource(a:response.params.uri)
	let s:published[resolve(l:name)] = a:response.params.diagnostics
	let l:buffer = bufnr('^' . escape(fnameescape(l:name), '^,}]') . '$')
	if l:buffer > 0
		call s:Show(l:buffer)
	endif
endfunction

" ALELSPStarted (a language server ready for the current buffer): follow
" the buffer's heaplens server, and show what it published for the file
" before ALE had it open (after ALE's lint has started: a timer).
function! heaplens#ale#LSPStarted() abort
	let l:buffer = bufnr('')
	let l:linter = s:Linter(l:buffer)
	if empty(l:linter)
		return
	endif
	" ALE's id of the connection, as ale#lsp#Register makes it; nothing
	" happens while there is no such connection (another server started).
	call ale#lsp#RegisterCallback(ale#linter#GetExecutable(l:buffer, l:linter)
	\ . ':' . ale#lsp_linter#FindProjectRoot(l:buffer, l:linter),
	\ function('heaplens#ale#HandleMessage'))
	call timer_start(0, {-> s:Show(l:buffer)})
endfunction
