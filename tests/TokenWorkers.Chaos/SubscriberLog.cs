using System.Text.Json;
using TokenWorkers.Contracts;

namespace TokenWorkers.Chaos;

/// <summary>
/// The subscriber process's file of deliveries, read back as the contracts' types. Redeliveries stay (the same EventId
/// twice is allowed); a last line cut short by a kill is skipped (its message was never acknowledged, so it comes again).
/// </summary>
internal sealed class SubscriberLog(string path)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Path { get; } = path;

    public (IReadOnlyList<IConnectionEvent> Connection, IReadOnlyList<IPostEvent> Post) Read()
    {
        var connection = new List<IConnectionEvent>();
        var post = new List<IPostEvent>();
        if (!File.Exists(Path))
        {
            return (connection, post);
        }

        using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            if (Parse(line) is { } message)
            {
                if (message is IConnectionEvent c)
                {
                    connection.Add(c);
                }
                else if (message is IPostEvent p)
                {
                    post.Add(p);
                }
            }
        }

        return (connection, post);
    }

    /// <summary>Connection events only, duplicates (same EventId) dropped, as a real subscriber would.</summary>
    public IReadOnlyList<IConnectionEvent> ConnectionEvents() => Read().Connection.DistinctBy(e => e.EventId).ToArray();

    /// <summary>Every posting event delivered, duplicates included.</summary>
    public IReadOnlyList<IPostEvent> PostDeliveries() => Read().Post;

    private static object? Parse(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var name = document.RootElement.GetProperty("type").GetString();
            var type = typeof(PublishPost).Assembly.GetType($"{typeof(PublishPost).Namespace}.{name}");
            return type is null ? null : document.RootElement.GetProperty("message").Deserialize(type, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
