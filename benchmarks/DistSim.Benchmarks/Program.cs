using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(DistSim.Benchmarks.KernelBenchmarks).Assembly).Run(args);
