"""`python -m benchmarks` (`make bench`): every speed and memory table of the project."""

from __future__ import annotations

from benchmarks import bench_embedders, bench_generation, bench_service, bench_tools


def main() -> None:
    bench_service.main([])
    bench_tools.main([])
    bench_generation.main([])
    bench_embedders.main([])


if __name__ == "__main__":
    main()
