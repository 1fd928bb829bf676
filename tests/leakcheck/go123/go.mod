module heaplens.example/leakcheck/go123

go 1.23
