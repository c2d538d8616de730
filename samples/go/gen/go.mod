module memtracer-samples

go 1.19
