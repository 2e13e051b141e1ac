using System.Text;
using System.Text.RegularExpressions;
using TokenWorkers.Contracts;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Documentation;

/// <summary>
/// What a user reads first must work from a clone: README.md and docs/*.md link only files that are in the repository
/// (no <c>../shared/...</c> of the team's own machines), and the README's events table names every message.
/// </summary>
public sealed partial class DocumentationTests
{
    [Fact]
    public void Every_relative_link_in_the_README_and_docs_resolves_to_a_file_or_heading_in_the_repository()
    {
        var root = Path.GetFullPath(RepositoryRoot.Path);
        var broken = new List<string>();
        foreach (var document in Documents())
        {
            foreach (var (target, line) in RelativeLinks(File.ReadAllText(document)))
            {
                var where = $"{Path.GetRelativePath(root, document)}:{line}: ({target})";
                var hash = target.IndexOf('#', StringComparison.Ordinal);
                var pathPart = hash < 0 ? target : target[..hash];
                var anchor = hash < 0 ? null : target[(hash + 1)..];
                var resolved = pathPart.Length == 0 ? document : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(document)!, Uri.UnescapeDataString(pathPart)));
                if (!resolved.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    broken.Add($"{where} leaves the repository");
                }
                else if (!File.Exists(resolved) && !Directory.Exists(resolved))
                {
                    broken.Add($"{where} does not exist");
                }
                else if (anchor is { Length: > 0 } && resolved.EndsWith(".md", StringComparison.Ordinal) && !Anchors(File.ReadAllText(resolved)).Contains(anchor))
                {
                    broken.Add($"{where} names no heading of {Path.GetRelativePath(root, resolved)}");
                }
            }
        }

        Assert.True(broken.Count == 0, "Links that a user's clone cannot follow:\n" + string.Join('\n', broken));
    }

    [Fact]
    public void The_README_names_every_message_of_the_contracts_in_its_events_table()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md"));
        var tableRows = readme.Split('\n').Where(line => line.StartsWith("| `", StringComparison.Ordinal)).ToList();
        var contracts = typeof(PublishPost).Assembly.GetExportedTypes()
            .Where(type => type.Namespace == typeof(PublishPost).Namespace && type is { IsClass: true, IsSealed: true, IsAbstract: false })
            .ToList();
        // A part of a message (PublishPost.Images' PostImage) is not sent on its own: its message's row covers it.
        var parts = contracts.SelectMany(type => type.GetProperties()).Select(property => property.PropertyType)
            .SelectMany(type => type.IsGenericType ? type.GetGenericArguments() : [type]).ToHashSet();
        var messages = contracts.Where(type => !parts.Contains(type))
            .Select(type => type.Name)
            .ToList();

        Assert.NotEmpty(messages);
        Assert.All(messages, name => Assert.True(
            tableRows.Any(row => row.StartsWith($"| `{name}` |", StringComparison.Ordinal)), $"README.md's events table has no row for {name}"));
    }

    [Fact]
    public void The_link_check_finds_a_link_out_of_the_repository_and_a_missing_file()
    {
        // The check above must be able to fail: the links the README once had, in a document of its own.
        var links = RelativeLinks("see [the facts](../shared/docs/linkedin-api.md) and [gone](docs/nothing.md#x), not `[code](x.md)` or [web](https://example.com)\n```\n[fenced](y.md)\n```\n").ToList();

        Assert.Equal(["../shared/docs/linkedin-api.md", "docs/nothing.md#x"], links.Select(link => link.Target));
        Assert.Contains("getting-started", Anchors("# Getting started\n"));
        Assert.Contains("running-the-worker-yourself-dotnet-run", Anchors("## Running the worker yourself (`dotnet run`)\n"));
    }

    private static IEnumerable<string> Documents()
    {
        yield return Path.Combine(RepositoryRoot.Path, "README.md");
        yield return Path.Combine(RepositoryRoot.Path, "src", "TokenWorkers.Contracts", "README.md");
        foreach (var document in Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, "docs"), "*.md").Order(StringComparer.Ordinal))
        {
            yield return document;
        }
    }

    /// <summary>Targets of Markdown links that are neither web addresses nor inside code.</summary>
    private static IEnumerable<(string Target, int Line)> RelativeLinks(string markdown)
    {
        var inFence = false;
        var lines = markdown.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
                continue;
            }

            if (inFence)
            {
                continue;
            }

            foreach (Match link in Link().Matches(InlineCode().Replace(lines[i], "")))
            {
                var target = link.Groups["target"].Value;
                if (!WebAddress().IsMatch(target))
                {
                    yield return (target, i + 1);
                }
            }
        }
    }

    /// <summary>The anchors GitHub gives a document's headings: lower case, punctuation dropped, spaces as hyphens, repeats numbered.</summary>
    private static HashSet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var inFence = false;
        foreach (var line in markdown.Split('\n'))
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
            }
            else if (!inFence && Heading().Match(line) is { Success: true } heading)
            {
                var slug = new StringBuilder();
                foreach (var c in heading.Groups["text"].Value.Trim().ToLowerInvariant())
                {
                    if (char.IsLetterOrDigit(c) || c is '-' or '_')
                    {
                        slug.Append(c);
                    }
                    else if (c == ' ')
                    {
                        slug.Append('-');
                    }
                }

                var anchor = slug.ToString();
                for (var n = 1; !anchors.Add(anchor); n++)
                {
                    anchor = $"{slug}-{n}";
                }
            }
        }

        return anchors;
    }

    [GeneratedRegex(@"\[[^\]]*\]\((?<target>[^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"`[^`]*`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"^[a-z][a-z0-9+.-]*:", RegexOptions.IgnoreCase)]
    private static partial Regex WebAddress();

    [GeneratedRegex(@"^#{1,6}\s+(?<text>.+?)\s*#*\s*$")]
    private static partial Regex Heading();
}
