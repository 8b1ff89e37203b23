using System.Globalization;

namespace DistSim.Time;

/// <summary>
/// An instant of virtual (simulated) time: an integer number of ticks since the start of a run.
/// One tick is 100 nanoseconds, the same tick as <see cref="TimeSpan"/>, so adding a duration is exact.
/// </summary>
/// <remarks>
/// Instants and durations have different types (NodaTime's Instant vs Duration): an instant is a
/// <see cref="SimTime"/>, a duration is a <see cref="TimeSpan"/>. Time is integral so that ordering and
/// equality never depend on floating-point rounding. See <c>docs/concepts/simulation.md</c>.
/// </remarks>
public readonly struct SimTime : IEquatable<SimTime>, IComparable<SimTime>, IComparable
{
    /// <summary>Number of ticks in one second (10,000,000).</summary>
    public const long TicksPerSecond = TimeSpan.TicksPerSecond;

    /// <summary>Creates an instant from a tick count, which must not be negative.</summary>
    /// <param name="ticks">Ticks since the start of the run.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ticks"/> is negative.</exception>
    public SimTime(long ticks)
    {
        if (ticks < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ticks), ticks, "must be >= 0");
        }

        Ticks = ticks;
    }

    /// <summary>For the scheduler's hot path: <paramref name="ticks"/> is known to be valid.</summary>
    internal SimTime(long ticks, bool trusted)
    {
        _ = trusted;
        Ticks = ticks;
    }

    /// <summary>The start of every run.</summary>
    public static SimTime Zero => default;

    /// <summary>The largest representable instant.</summary>
    public static SimTime MaxValue => new(long.MaxValue);

    /// <summary>Ticks (100 ns each) since the start of the run.</summary>
    public long Ticks { get; }

    /// <summary>Time since the start of the run as a duration.</summary>
    public TimeSpan SinceStart => TimeSpan.FromTicks(Ticks);

    /// <summary>Time since the start of the run in seconds (for display only; decisions use <see cref="Ticks"/>).</summary>
    public double TotalSeconds => (double)Ticks / TicksPerSecond;

    /// <summary>The instant <paramref name="duration"/> after the start of the run.</summary>
    /// <param name="duration">A non-negative duration.</param>
    public static SimTime FromStart(TimeSpan duration) => new(duration.Ticks);

    /// <summary>The instant <paramref name="seconds"/> seconds after the start (rounded to the nearest tick).</summary>
    /// <param name="seconds">A non-negative number of seconds.</param>
    public static SimTime FromSeconds(double seconds)
    {
        if (!(seconds >= 0) || double.IsInfinity(seconds))
        {
            throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "must be a finite number >= 0");
        }

        return new SimTime(checked((long)Math.Round(seconds * TicksPerSecond)));
    }

    /// <summary>Adds a duration; saturates at <see cref="MaxValue"/> instead of overflowing.</summary>
    public static SimTime operator +(SimTime time, TimeSpan duration)
    {
        long ticks = time.Ticks + duration.Ticks;
        if (duration.Ticks > 0 && ticks < time.Ticks)
        {
            return MaxValue;
        }

        return new SimTime(ticks);
    }

    /// <summary>Subtracts a duration; saturates at <see cref="Zero"/> (there is no time before the start).</summary>
    public static SimTime operator -(SimTime time, TimeSpan duration)
    {
        long ticks = time.Ticks - duration.Ticks;
        return duration.Ticks > 0 && ticks > time.Ticks ? Zero : new SimTime(Math.Max(0, ticks));
    }

    /// <summary>The duration between two instants.</summary>
    public static TimeSpan operator -(SimTime later, SimTime earlier) => TimeSpan.FromTicks(later.Ticks - earlier.Ticks);

    /// <summary>Compares two instants.</summary>
    public static bool operator <(SimTime left, SimTime right) => left.Ticks < right.Ticks;

    /// <summary>Compares two instants.</summary>
    public static bool operator >(SimTime left, SimTime right) => left.Ticks > right.Ticks;

    /// <summary>Compares two instants.</summary>
    public static bool operator <=(SimTime left, SimTime right) => left.Ticks <= right.Ticks;

    /// <summary>Compares two instants.</summary>
    public static bool operator >=(SimTime left, SimTime right) => left.Ticks >= right.Ticks;

    /// <summary>Equality of instants.</summary>
    public static bool operator ==(SimTime left, SimTime right) => left.Ticks == right.Ticks;

    /// <summary>Inequality of instants.</summary>
    public static bool operator !=(SimTime left, SimTime right) => left.Ticks != right.Ticks;

    /// <inheritdoc />
    public bool Equals(SimTime other) => Ticks == other.Ticks;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is SimTime other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Ticks.GetHashCode();

    /// <inheritdoc />
    public int CompareTo(SimTime other) => Ticks.CompareTo(other.Ticks);

    /// <inheritdoc />
    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        SimTime other => CompareTo(other),
        _ => throw new ArgumentException($"obj must be a SimTime, got {obj.GetType().Name}", nameof(obj)),
    };

    /// <summary>Seconds since the start with seven decimals (one tick), invariant culture, e.g. <c>1.2500000s</c>.</summary>
    public override string ToString()
    {
        long whole = Ticks / TicksPerSecond;
        long frac = Ticks % TicksPerSecond;
        return string.Create(CultureInfo.InvariantCulture, $"{whole}.{frac:D7}s");
    }
}
