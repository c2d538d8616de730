module memtracer-leakzoo

go 1.19
