using DistSim.Samples.Cli;

return Runner.Execute(args, Console.Out, Console.Error);
