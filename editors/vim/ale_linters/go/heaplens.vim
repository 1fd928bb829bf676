" heaplens as an ALE linter for Go, beside gopls: ALE starts one heaplens
" language server per project root over stdio and shows its diagnostics
" (leak patterns, hot allocation lines) with the others. See :help heaplens-ale.

call ale#Set('go_heaplens_executable', get(g:, 'heaplens_executable', 'heaplens'))
call ale#Set('go_heaplens_options', 'serve --stdio')
call ale#Set('go_heaplens_init_options', {})

call ale#linter#Define('go', {
\   'name': 'heaplens',
\   'lsp': 'stdio',
\   'executable': {b -> ale#Var(b, 'go_heaplens_executable')},
\   'command': {b -> '%e' . ale#Pad(ale#Var(b, 'go_heaplens_options'))},
\   'project_root': function('heaplens#ProjectRoot'),
\   'initialization_options': {b -> ale#Var(b, 'go_heaplens_init_options')},
\})
