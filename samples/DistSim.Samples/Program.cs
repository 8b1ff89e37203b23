using DistSim.Samples.Cli;

// A progress bar on the standard error for sweeps, only when both streams are terminals (never in redirected output);
// Ctrl+C stops a sweep cleanly (exit code 130), and ends anything else at once.
using Interruption interruption = Interruption.ForConsole();
return Runner.Execute(args, Console.Out, Console.Error, SweepProgressBar.ForTerminal(Console.IsOutputRedirected, Console.IsErrorRedirected), interruption);
