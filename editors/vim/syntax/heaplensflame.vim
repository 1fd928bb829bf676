" Syntax of the :HeaplensFlame buffer: bars, shares, values, locations.

if exists('b:current_syntax')
	finish
endif

syntax match heaplensFlameTitle /\%1l.*/
syntax match heaplensFlameBar /^#\+/
syntax match heaplensFlameShare /\s-\?[0-9.]\+%/
syntax match heaplensFlameLocation /  \S\+:\d\+$/
syntax match heaplensFlameUnresolved /  \S\+:\d\+?$/

highlight default link heaplensFlameTitle Title
highlight default link heaplensFlameBar WarningMsg
highlight default link heaplensFlameShare Number
highlight default link heaplensFlameLocation Directory
highlight default link heaplensFlameUnresolved Comment

let b:current_syntax = 'heaplensflame'
