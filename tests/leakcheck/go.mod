module heaplens.example/leakcheck

go 1.19
