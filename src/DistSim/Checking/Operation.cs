namespace DistSim.Checking;

/// <summary>One operation of a concurrent history: a client's call, and its return (or none, if it never returned).</summary>
/// <typeparam name="TInput">What the call asked.</typeparam>
/// <typeparam name="TOutput">What the return answered.</typeparam>
/// <param name="Client">Who called.</param>
/// <param name="Call">When the call happened (any monotonic clock: virtual ticks, a sequence number).</param>
/// <param name="Return">When it returned; <see cref="long.MaxValue"/> for a call still pending at the end (it may or may not have taken effect).</param>
/// <param name="Input">The call.</param>
/// <param name="Output">The answer (ignored for a pending call, whose answer nobody saw: the checker asks the model's
/// <see cref="ISequentialModel{TState, TInput, TOutput}.StepPending"/>).</param>
/// <remarks>
/// Two operations are ordered in real time when one returned strictly before the other was called; a return and a
/// call at the same instant count as concurrent. See <c>docs/concepts/checking.md</c>.
/// </remarks>
public sealed record Operation<TInput, TOutput>(int Client, long Call, long Return, TInput Input, TOutput Output)
{
    /// <summary>Whether the call is still pending: it never returned (<see cref="Return"/> is <see cref="long.MaxValue"/>).</summary>
    public bool IsPending => Return == long.MaxValue;

    /// <summary><c>client 1: get(x) → "" [2, 3]</c>, or <c>client 0: put(x, 1) [0, pending]</c>.</summary>
    public override string ToString() =>
        IsPending ? $"client {Client}: {Display.Of(Input)} [{Call}, pending]" : $"client {Client}: {Display.Of(Input)} → {Show(Output)} [{Call}, {Return}]";

    private static string Show(TOutput output) => output is string s ? $"\"{s}\"" : Display.Of(output);
}
