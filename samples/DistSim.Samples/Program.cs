using DistSim.Samples.Cli;

// A progress bar on the standard error for sweeps, only when both streams are terminals (never in redirected output).
return Runner.Execute(args, Console.Out, Console.Error, SweepProgressBar.ForTerminal(Console.IsOutputRedirected, Console.IsErrorRedirected));
