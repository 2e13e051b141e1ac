using System.Text;
using System.Text.RegularExpressions;

namespace TokenWorkers.Tests.Contracts;

/// <summary>
/// The differences between two public API texts written by PublicApiGenerator, each member line qualified by the type
/// that declares it (the same line, <c>public required string ConnectionId { get; init; }</c>, appears in many types),
/// and each difference classified by what it does to services on the other version of the contracts package.
/// </summary>
internal sealed partial class PublicApiDiff
{
    private PublicApiDiff(IReadOnlyList<Change> changes) => Changes = changes;

    public IReadOnlyList<Change> Changes { get; }

    public bool IsEmpty => Changes.Count == 0;

    public bool IsBreaking => Changes.Any(c => c.Breaking);

    public static PublicApiDiff Between(string approved, string current)
    {
        var before = Entries(approved);
        var after = Entries(current);
        var removed = Except(before, after);
        var added = Except(after, before);

        var changes = new List<Change>();
        foreach (var old in removed)
        {
            var replacement = added.FirstOrDefault(a => a.Scope == old.Scope && a.Name == old.Name);
            if (replacement is null)
            {
                changes.Add(new Change(old.Scope, ChangeKind.Removed, old.Line, null));
                continue;
            }

            added.Remove(replacement);
            changes.Add(new Change(old.Scope, Compare(old, replacement), old.Line, replacement.Line));
        }

        foreach (var @new in added)
        {
            var kind = IsRequired(@new.Declaration) ? ChangeKind.AddedRequired : ChangeKind.Added;
            changes.Add(new Change(@new.Scope, kind, null, @new.Line));
        }

        return new PublicApiDiff([.. changes.OrderBy(c => c.Scope, StringComparer.Ordinal).ThenBy(c => c.Kind)]);
    }

    /// <summary>What the developer reads when the snapshot test fails: every change, grouped, with what it means.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        Section(text, "Breaking (services on the approved package would fail or misread messages; see docs/contracts-versioning.md):",
            Changes.Where(c => c.Breaking));
        Section(text, "Additions and deprecations (compatible when optional: review them, then release a minor version):",
            Changes.Where(c => !c.Breaking));
        return text.ToString();
    }

    private static void Section(StringBuilder text, string title, IEnumerable<Change> changes)
    {
        var list = changes.ToList();
        if (list.Count == 0)
        {
            return;
        }

        text.AppendLine(title);
        foreach (var change in list)
        {
            text.Append("  ").Append(change.Scope).Append(": ").AppendLine(Explain(change.Kind));
            if (change.Before is not null)
            {
                text.Append("    - ").AppendLine(change.Before);
            }

            if (change.After is not null)
            {
                text.Append("    + ").AppendLine(change.After);
            }
        }
    }

    private static string Explain(ChangeKind kind) => kind switch
    {
        ChangeKind.Removed => "removed or renamed (senders and subscribers built against it no longer compile; on the wire the field is lost)",
        ChangeKind.Changed => "type, value or signature changed (a reader on the other version fails or misreads it)",
        ChangeKind.MadeRequired => "made required (a message from a sender on the approved package, which may omit it, fails to deserialize)",
        ChangeKind.NoLongerRequired => "no longer required (a subscriber on the approved package fails to deserialize a message without it)",
        ChangeKind.AddedRequired => "added as required (a message from a sender on the approved package, which lacks it, fails to deserialize)",
        ChangeKind.AttributesChanged => "attributes changed (a serialization attribute such as JsonPropertyName changes the wire)",
        ChangeKind.ObsoleteChanged => "deprecated, or its deprecation changed (compatible: it still travels as before)",
        ChangeKind.Added => "added",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>How a declaration that kept its name changed.</summary>
    private static ChangeKind Compare(Entry old, Entry @new)
    {
        if (old.Declaration == @new.Declaration)
        {
            return NotObsolete(old.Attributes).SequenceEqual(NotObsolete(@new.Attributes)) ? ChangeKind.ObsoleteChanged : ChangeKind.AttributesChanged;
        }

        return WithoutRequired(@new.Declaration) == old.Declaration ? ChangeKind.MadeRequired
            : WithoutRequired(old.Declaration) == @new.Declaration ? ChangeKind.NoLongerRequired
            : ChangeKind.Changed;
    }

    private static IEnumerable<string> NotObsolete(IReadOnlyList<string> attributes) =>
        attributes.Where(a => !a.StartsWith("[System.Obsolete", StringComparison.Ordinal));

    private static List<Entry> Except(List<Entry> from, List<Entry> remove)
    {
        var left = from.ToList();
        foreach (var entry in remove)
        {
            left.Remove(entry);
        }

        return left;
    }

    /// <summary>
    /// Each declaration and member line with the scope it sits in (namespace, then type), found by following braces:
    /// PublicApiGenerator writes one declaration per line, its attributes on lines of their own above it, and opens
    /// each scope with a <c>{</c> line of its own.
    /// </summary>
    private static List<Entry> Entries(string api)
    {
        var entries = new List<Entry>();
        var scopes = new Stack<string>();
        var attributes = new List<string>();
        string? previous = null;
        foreach (var raw in api.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (line == "{")
            {
                scopes.Push(previous is null ? "" : ScopeName(scopes, previous));
                continue;
            }

            if (line == "}")
            {
                scopes.Pop();
                continue;
            }

            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                attributes.Add(line);
                continue;
            }

            previous = line;
            if (!line.StartsWith("namespace ", StringComparison.Ordinal))
            {
                var scope = scopes.Count == 0 ? "" : scopes.Peek();
                entries.Add(new Entry(scope, MemberName(line), line, [.. attributes]));
            }

            attributes.Clear();
        }

        return entries;
    }

    private static string ScopeName(Stack<string> scopes, string declaration)
    {
        if (declaration.StartsWith("namespace ", StringComparison.Ordinal))
        {
            return declaration["namespace ".Length..];
        }

        var outer = scopes.Count == 0 ? "" : scopes.Peek();
        return outer.Length == 0 ? MemberName(declaration) : $"{outer}.{MemberName(declaration)}";
    }

    /// <summary>The declared name: what a rename changes and a type or value change keeps.</summary>
    private static string MemberName(string line)
    {
        var type = TypeDeclaration().Match(line);
        if (type.Success)
        {
            return type.Groups["name"].Value;
        }

        var end = line.IndexOfAny(['(', '=', '{', ';', ',']);
        var head = (end < 0 ? line : line[..end]).TrimEnd();
        var start = head.LastIndexOf(' ');
        return start < 0 ? head : head[(start + 1)..];
    }

    private static bool IsRequired(string line) => RequiredModifier().IsMatch(line);

    private static string WithoutRequired(string line) => RequiredModifier().Replace(line, "", 1);

    [GeneratedRegex(@"\b(?:class|struct|interface|enum|record|delegate)\s+(?<name>[A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex TypeDeclaration();

    [GeneratedRegex(@"(?<=^(?:\w+\s+)*)required\s+")]
    private static partial Regex RequiredModifier();

    private sealed record Entry(string Scope, string Name, string Declaration, IReadOnlyList<string> Attributes)
    {
        /// <summary>The declaration with its attributes, as the failure message shows it.</summary>
        public string Line => string.Join(" ", Attributes.Append(Declaration));

        // Attributes compared by content: records compare lists by reference.
        public bool Equals(Entry? other) =>
            other is not null && (Scope, Name, Declaration) == (other.Scope, other.Name, other.Declaration) && Attributes.SequenceEqual(other.Attributes);

        public override int GetHashCode() => HashCode.Combine(Scope, Name, Declaration);
    }

    public sealed record Change(string Scope, ChangeKind Kind, string? Before, string? After)
    {
        public bool Breaking => Kind is not (ChangeKind.Added or ChangeKind.ObsoleteChanged);
    }

    public enum ChangeKind
    {
        Removed,
        Changed,
        MadeRequired,
        NoLongerRequired,
        AddedRequired,
        AttributesChanged,
        ObsoleteChanged,
        Added,
    }
}
