module heaplens.example/samples

go 1.19
