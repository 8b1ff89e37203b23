using DistSim.Samples.Cli;

namespace DistSim.Tests.Support;

/// <summary>Runs the samples runner in-process, as the command line would.</summary>
public static class RunnerCli
{
    /// <summary>The exit code, the standard output and the standard error of one command line.</summary>
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Runner.Execute(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
