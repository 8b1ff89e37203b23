using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace DistSim.Analyzers;

/// <summary>One finding of a rule, before it is known whether its code is reachable from a node.</summary>
internal sealed class Hazard(DiagnosticDescriptor rule, Location location, string subject, string? fix = null, string? member = null, string? advice = null)
{
    public DiagnosticDescriptor Rule { get; } = rule;

    public Location Location { get; } = location;

    /// <summary>What is flagged, as the message's first argument (e.g. <c>DateTime.UtcNow</c>).</summary> // determinism-ok: the analyzer's own docs name the hazard it flags
    public string Subject { get; } = subject;

    /// <summary>
    /// For a rule whose message names a replacement that depends on the member (DSIM011), that replacement: the message's
    /// second argument, before the reach; null for the other rules.
    /// </summary>
    public string? Advice { get; } = advice;

    /// <summary>
    /// The diagnostic: <paramref name="reach"/> is empty for node code, else says how node code reaches it; a
    /// <paramref name="reached"/> one is reported at the end of the compilation, so it gets the rule's CompilationEnd twin
    /// and no code fix (an editor offers none for it).
    /// </summary>
    public Diagnostic ToDiagnostic(string reach, bool reached = false)
    {
        if (reached)
        {
            return Diagnostic.Create(DeterminismRules.ReachedTwin(Rule), Location, Arguments(reach));
        }

        ImmutableDictionary<string, string?> properties = ImmutableDictionary<string, string?>.Empty;
        if (fix is not null)
        {
            properties = properties.Add(DeterminismRules.FixKey, fix);
        }

        if (member is not null)
        {
            properties = properties.Add(DeterminismRules.MemberKey, member);
        }

        return Diagnostic.Create(Rule, Location, properties, Arguments(reach));
    }

    private object[] Arguments(string reach) => Advice is null ? [Subject, reach] : [Subject, Advice, reach];
}

/// <summary>The names of the code fixes a diagnostic can carry (the <see cref="DeterminismRules.FixKey"/> property).</summary>
internal static class FixKinds
{
    /// <summary>A wall-clock read becomes the node's clock (same type: DateTime or DateTimeOffset).</summary>
    public const string Clock = "Clock";

    /// <summary><c>Environment.TickCount(64)</c> becomes the node's clock in milliseconds.</summary> // determinism-ok: the analyzer's own docs name the hazard it flags
    public const string TickCount = "TickCount";

    /// <summary><c>new Random()</c> / <c>Random.Shared</c> becomes the node's random stream.</summary> // determinism-ok: the analyzer's own docs name the hazard it flags
    public const string Random = "Random";

    /// <summary>A delay or timeout gets the TimeProvider in scope as an extra argument.</summary>
    public const string TimeProvider = "TimeProvider";

    /// <summary><c>.ConfigureAwait(false)</c> is removed.</summary>
    public const string RemoveConfigureAwait = "RemoveConfigureAwait";

    /// <summary>
    /// A blocking wait on a task becomes an <c>await</c> (in an async function): <c>t.Result</c>,
    /// <c>t.GetAwaiter().GetResult()</c> and a statement <c>t.Wait();</c>.
    /// </summary>
    public const string Await = "Await";
}
