using System.Globalization;

namespace DistSim.Checking;

/// <summary>How the checker's types show values: invariant culture, <c>null</c> for null, strings as they are.</summary>
internal static class Display
{
    public static string Of<T>(T value) => value switch
    {
        null => "null",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "null",
    };
}
