using System.Reflection;

namespace TokenWorkers.Tests.Architecture;

/// <summary>
/// Which folders of the worker use which, read by reflection from every type's constructor parameters, fields,
/// properties, method signatures, base type and interfaces (generic arguments, arrays and nullables unwrapped).
/// A folder is the first namespace segment under <c>TokenWorkers</c> (<c>Storage.Sqlite</c> is part of <c>Storage</c>).
/// </summary>
internal sealed class DependencyGraph
{
    private const BindingFlags Everything = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private readonly string _root;

    private DependencyGraph(IReadOnlyList<(Type From, Type To)> edges, string root)
    {
        Edges = edges;
        _root = root;
    }

    /// <summary>Every use of a type by a type, both of the worker or its contracts, or a third-party type.</summary>
    public IReadOnlyList<(Type From, Type To)> Edges { get; }

    public static DependencyGraph Of(Assembly assembly, string root = "TokenWorkers")
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var edges = new List<(Type, Type)>();
        foreach (var type in assembly.GetTypes().Where(t => t.Namespace?.StartsWith(root + ".", StringComparison.Ordinal) == true))
        {
            foreach (var used in Used(type).SelectMany(Unwrap).Distinct())
            {
                if (used != type && used.Namespace is not null)
                {
                    edges.Add((type, used));
                }
            }
        }

        return new DependencyGraph(edges, root);
    }

    /// <summary>The folder of a worker type; null for types outside the worker (contracts, BCL, packages).</summary>
    public static string? FolderOf(Type type, string root = "TokenWorkers")
    {
        ArgumentNullException.ThrowIfNull(type);
        var ns = type.Namespace ?? "";
        if (!ns.StartsWith(root + ".", StringComparison.Ordinal) || ns.StartsWith("TokenWorkers.Contracts", StringComparison.Ordinal))
        {
            return null;
        }

        return ns[(root.Length + 1)..].Split('.')[0];
    }

    /// <summary>Folder → folders it uses (itself excluded).</summary>
    public IReadOnlyDictionary<string, HashSet<string>> FolderEdges()
    {
        var map = new Dictionary<string, HashSet<string>>();
        foreach (var (from, to) in Edges)
        {
            if (FolderOf(from, _root) is { } a && FolderOf(to, _root) is { } b && a != b)
            {
                (map.TryGetValue(a, out var set) ? set : map[a] = []).Add(b);
            }
        }

        return map;
    }

    /// <summary>Every group of folders that use each other in a cycle, with the uses that close it; empty when they form layers.</summary>
    public IReadOnlyList<string> Cycles()
    {
        var edges = FolderEdges();
        var reach = edges.Keys.ToDictionary(folder => folder, folder => Reachable(folder, edges));
        var cycles = new List<string>();
        var placed = new HashSet<string>();
        foreach (var folder in reach.Keys.Order(StringComparer.Ordinal))
        {
            var group = reach.Keys.Where(other => reach[folder].Contains(other) && reach[other].Contains(folder)).Order(StringComparer.Ordinal).ToList();
            if (group.Count > 1 && group.All(placed.Add))
            {
                var uses = group.SelectMany(a => edges[a].Where(group.Contains).Select(b => $"{a} → {b} ({Example(a, b)})"));
                cycles.Add(string.Join("; ", uses));
            }
        }

        return cycles;
    }

    private string Example(string from, string to)
    {
        var (a, b) = Edges.First(e => FolderOf(e.From, _root) == from && FolderOf(e.To, _root) == to);
        return $"{a.Name} uses {b.Name}";
    }

    private static HashSet<string> Reachable(string start, IReadOnlyDictionary<string, HashSet<string>> edges)
    {
        var seen = new HashSet<string>();
        var queue = new Queue<string>([start]);
        while (queue.TryDequeue(out var at))
        {
            foreach (var next in edges.TryGetValue(at, out var targets) ? targets : [])
            {
                if (seen.Add(next))
                {
                    queue.Enqueue(next);
                }
            }
        }

        return seen;
    }

    private static IEnumerable<Type> Used(Type type)
    {
        if (type.BaseType is { } baseType)
        {
            yield return baseType;
        }

        foreach (var implemented in type.GetInterfaces())
        {
            yield return implemented;
        }

        foreach (var field in type.GetFields(Everything))
        {
            yield return field.FieldType;
        }

        foreach (var property in type.GetProperties(Everything))
        {
            yield return property.PropertyType;
        }

        foreach (var constructor in type.GetConstructors(Everything))
        {
            foreach (var parameter in constructor.GetParameters())
            {
                yield return parameter.ParameterType;
            }
        }

        foreach (var method in type.GetMethods(Everything))
        {
            yield return method.ReturnType;
            foreach (var parameter in method.GetParameters())
            {
                yield return parameter.ParameterType;
            }
        }
    }

    private static IEnumerable<Type> Unwrap(Type type)
    {
        if (type.IsByRef || type.IsArray || type.IsPointer)
        {
            foreach (var inner in Unwrap(type.GetElementType()!))
            {
                yield return inner;
            }

            yield break;
        }

        if (type.IsGenericParameter)
        {
            yield break;
        }

        yield return type.IsGenericType ? type.GetGenericTypeDefinition() : type;
        if (type.IsGenericType)
        {
            foreach (var argument in type.GetGenericArguments().SelectMany(Unwrap))
            {
                yield return argument;
            }
        }
    }
}
