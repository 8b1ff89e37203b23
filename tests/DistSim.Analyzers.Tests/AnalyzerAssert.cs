using System.Collections.Immutable;
using DistSim.CodeFixes;
using DistSim.Nodes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace DistSim.Analyzers.Tests;

/// <summary>
/// Asserts what the analyzer (and its code fixes) do with test sources compiled against net10.0 and the real DistSim.dll, so node code in
/// a test and the output of a fix bind to DistSim's real API. Expected diagnostics are marked in the source:
/// <c>{|DSIM001:DateTime.UtcNow|}</c>; any other warning of the analyzer, or any compiler error, fails the test.
/// </summary>
internal static class AnalyzerAssert
{
    private static readonly ImmutableArray<MetadataReference> References =
    [
        .. Basic.Reference.Assemblies.Net100.References.All,
        MetadataReference.CreateFromFile(typeof(Node).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(MathNet.Numerics.Random.RandomSource).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(Microsoft.Extensions.Logging.ILogger).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(System.IO.Hashing.XxHash64).Assembly.Location),
    ];

    /// <summary>Usings every test source starts with (kept out of the sources to keep them short).</summary>
    public const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Diagnostics;
        using System.Threading;
        using System.Threading.Tasks;
        using DistSim.Nodes;

        """;

    public static Task Analyzer(string source, params DiagnosticResult[] expected)
    {
        var test = new CSharpAnalyzerTest<DeterminismAnalyzer, DefaultVerifier> { TestCode = Usings + source };
        Configure(test.TestState, test);
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// Applies the fixes one by one (<c>iterations</c> of them; 0: none may be offered) and all at once, and compares the
    /// result with the fixed source, after the usings plus <c>addedUsing</c> (a namespace the fix imports); given a
    /// <c>title</c>, every fix applied must bear it.
    /// </summary>
    public static Task CodeFix(string source, string fixedSource, int iterations = 1, string? addedUsing = null, string? title = null)
    {
        string fixedUsings = addedUsing is null ? Usings : Usings.Replace("using DistSim.Nodes;\n", $"using DistSim.Nodes;\nusing {addedUsing};\n");
        var test = new CSharpCodeFixTest<DeterminismAnalyzer, DeterminismCodeFixProvider, DefaultVerifier>
        {
            TestCode = Usings + source,
            FixedCode = fixedUsings + fixedSource,
            NumberOfIncrementalIterations = iterations,
            NumberOfFixAllIterations = iterations == 0 ? 0 : 1,
        };
        if (title is not null)
        {
            test.CodeActionVerifier = (action, verifier) => verifier.Equal(title, action.Title, "the title of the fix");
        }

        Configure(test.TestState, test);
        test.FixedState.AdditionalReferences.AddRange(References);
        return test.RunAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>A diagnostic of <paramref name="id"/> at the marked span <c>{|#0:…|}</c> (to check its message).</summary>
    public static DiagnosticResult Diagnostic(string id) =>
        new DiagnosticResult(id, DiagnosticSeverity.Warning).WithLocation(0);

    private static void Configure(SolutionState state, AnalyzerTest<DefaultVerifier> test)
    {
        test.ReferenceAssemblies = new ReferenceAssemblies("net10.0");
        test.MarkupOptions = MarkupOptions.UseFirstDescriptor; // each rule has a CompilationEnd twin with the same id
        state.AdditionalReferences.AddRange(References);
    }
}
