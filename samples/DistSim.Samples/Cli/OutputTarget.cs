using System.Text.RegularExpressions;

namespace DistSim.Samples.Cli;

/// <summary>
/// The file a <c>--trace</c> or <c>--mermaid</c> path names, worked out before anything is created: the path with
/// every symbolic link followed, what kind of file it is, and which file (device and inode, where the system says).
/// </summary>
/// <remarks>
/// Refused here, as usage errors naming the option: an empty or invalid name, a directory, a missing directory, a
/// block device, and the standard output or error (the report and the errors are written there: <c>--json</c> must
/// leave exactly one JSON object on the standard output, and a reopened stdout file would be written over). A
/// pipe or a character device (<c>/dev/null</c>, a terminal) is accepted as a stream: written once, at the end,
/// never truncated, read or moved in. Not thread-safe.
/// </remarks>
internal sealed partial class OutputTarget
{
    private const int MaxLinks = 40; // as Linux's realpath(3): a loop of links is reported, not followed forever

    private OutputTarget(string option, string given, string fullPath, string resolved, FileIdentity? identity)
    {
        Option = option;
        Given = given;
        FullPath = fullPath;
        Resolved = resolved;
        Identity = identity;
    }

    /// <summary>The option, without dashes.</summary>
    public string Option { get; }

    /// <summary>The path as given.</summary>
    public string Given { get; }

    /// <summary>The absolute path: what is opened.</summary>
    public string FullPath { get; }

    /// <summary>The absolute path with every symbolic link (of the file and of its directories) followed.</summary>
    public string Resolved { get; }

    /// <summary>Which file it is, if it exists and the system says (Linux); else null.</summary>
    public FileIdentity? Identity { get; }

    /// <summary>A pipe or a character device: written as a stream, at the end, never truncated or read.</summary>
    public bool IsStream => Identity?.Kind is FileIdentity.FileKind.Fifo or FileIdentity.FileKind.CharacterDevice;

    /// <summary>The null device: anything may be written there, by anyone, at once.</summary>
    public bool IsNullDevice => OperatingSystem.IsWindows()
        ? string.Equals(Path.GetFileName(Resolved), "NUL", StringComparison.OrdinalIgnoreCase)
        : Resolved == "/dev/null";

    /// <summary>Resolves <paramref name="path"/>; a usage error naming <c>--<paramref name="option"/></c> when it cannot be written as an output file.</summary>
    public static OutputTarget Resolve(string option, string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new UsageException($"--{option}: the file name is empty");
        }

        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new UsageException($"--{option}: '{path}' is not a valid file name");
        }

        var links = new List<string>();
        string resolved;
        try
        {
            resolved = FollowLinks(full, links);
        }
        catch (IOException)
        {
            throw new UsageException($"--{option}: cannot resolve '{path}': more than {MaxLinks} symbolic links (a loop?)");
        }

        var target = new OutputTarget(option, path, full, resolved, FileIdentity.Of(full));
        target.Check(links);
        return target;
    }

    /// <summary>
    /// Whether this and <paramref name="other"/> are one file: the same inode where the system says, else the same
    /// resolved path. The null device is never "the same file": writing it twice harms nothing.
    /// </summary>
    public bool IsSameFileAs(OutputTarget other)
    {
        if (IsNullDevice && other.IsNullDevice)
        {
            return false;
        }

        return Identity is { } a && other.Identity is { } b
            ? a.IsSameFile(b)
            : string.Equals(Resolved, other.Resolved, OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>How the two paths come to name one file, for the error message.</summary>
    public string HowSameAs(OutputTarget other) =>
        string.Equals(FullPath, other.FullPath, StringComparison.Ordinal) ? "the same path"
        : string.Equals(Resolved, other.Resolved, StringComparison.Ordinal) ? $"both resolve to '{Resolved}'"
        : "one file under two names: a hard link";

    private void Check(List<string> links)
    {
        if (StandardStream(links) is { } stream)
        {
            throw new UsageException($"--{Option}: '{Given}' is {stream}; write the {Option} to another file");
        }

        if (Directory.Exists(FullPath))
        {
            throw new UsageException($"--{Option}: '{Given}' is a directory");
        }

        if (Path.GetDirectoryName(Resolved) is { Length: > 0 } directory && !Directory.Exists(directory))
        {
            throw new UsageException($"--{Option}: cannot create '{Given}': its directory does not exist");
        }

        if (Identity?.Kind is FileIdentity.FileKind.BlockDevice or FileIdentity.FileKind.Socket or FileIdentity.FileKind.Other)
        {
            throw new UsageException($"--{Option}: '{Given}' is a {(Identity.Value.Kind == FileIdentity.FileKind.BlockDevice ? "block device" : "socket or other special file")}, not a file to write");
        }
    }

    /// <summary>Which standard stream the path is, by name or as the same file, in words for the error; null when neither.</summary>
    private string? StandardStream(List<string> links)
    {
        string pid = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (string name in links.Prepend(FullPath).Append(Resolved))
        {
            if (StreamName().Match(name) is { Success: true } m && (m.Groups["proc"].Value is "" or "self" or "thread-self" || m.Groups["proc"].Value == pid))
            {
                return m.Groups["fd"].Value is "stdout" or "1" ? "the standard output, where the report goes" : "the standard error, where errors and notes go";
            }
        }

        if (IsNullDevice)
        {
            return null; // stdout may well be /dev/null too: nothing is lost by writing there (but /dev/stdout is refused by its name)
        }

        return Identity is { } self && FileIdentity.OfDescriptor(1) is { } stdout && self.IsSameFile(stdout) ? "where the standard output goes (the same file), and the report is written there"
            : Identity is { } me && FileIdentity.OfDescriptor(2) is { } stderr && me.IsSameFile(stderr) ? "where the standard error goes (the same file), and errors and notes are written there"
            : null;
    }

    /// <summary>
    /// <paramref name="full"/> with every symbolic link followed, component by component from the root, as the
    /// kernel does (a <c>..</c> after a link to a directory goes up from where the link leads); the parts that do
    /// not exist yet are kept. Every link met is added to <paramref name="links"/>.
    /// </summary>
    /// <exception cref="IOException">More than <see cref="MaxLinks"/> links.</exception>
    private static string FollowLinks(string full, List<string> links)
    {
        char[] separators = [Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar];
        string current = Path.GetPathRoot(full) ?? string.Empty;
        var pending = new Stack<string>(full[current.Length..].Split(separators, StringSplitOptions.RemoveEmptyEntries).Reverse());
        while (pending.TryPop(out string? part))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }

            string next = Path.Combine(current, part);
            if (LinkTarget(next) is not { } target)
            {
                current = next;
                continue;
            }

            links.Add(next);
            if (links.Count > MaxLinks)
            {
                throw new IOException("too many levels of symbolic links");
            }

            if (Path.GetPathRoot(target) is { Length: > 0 } root)
            {
                current = root;
                target = target[root.Length..];
            }

            foreach (string p in target.Split(separators, StringSplitOptions.RemoveEmptyEntries).Reverse())
            {
                pending.Push(p);
            }
        }

        return current;
    }

    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // unreadable: taken as it is
        }
    }

    [GeneratedRegex(@"^/(?:dev/(?<fd>stdout|stderr)|dev/fd/(?<fd>[12])|proc/(?<proc>self|thread-self|\d+)/fd/(?<fd>[12]))$", RegexOptions.CultureInvariant)]
    private static partial Regex StreamName();
}
