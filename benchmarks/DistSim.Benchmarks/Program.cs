using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(DistSim.Benchmarks.TimerBenchmarks).Assembly).Run(args);
