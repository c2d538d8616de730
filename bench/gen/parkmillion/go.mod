module memtracer-bench-parkmillion

go 1.19
