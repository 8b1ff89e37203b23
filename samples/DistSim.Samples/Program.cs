using DistSim.Samples.Cli;

// A progress bar on the standard error for sweeps, only when both streams are terminals (never in redirected output);
// Ctrl+C stops a sweep, a search (--explore), a shrink (--shrink) or lincheck cleanly (exit code 130), and ends
// anything else (a single run) at once; a second Ctrl+C ends the process.
using Interruption interruption = Interruption.ForConsole();
return Runner.Execute(args, Console.Out, Console.Error, SweepProgressBar.ForTerminal(Console.IsOutputRedirected, Console.IsErrorRedirected), interruption);
