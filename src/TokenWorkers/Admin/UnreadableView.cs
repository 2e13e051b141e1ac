using TokenWorkers.Events;

namespace TokenWorkers.Admin;

/// <summary>A connection the store holds but cannot read, as the admin API shows it: why, and since when it is flagged.</summary>
public sealed record UnreadableView(string ConnectionId, UnreadableReason Reason, string Message, long Version, DateTimeOffset? FlaggedAt)
{
    public static UnreadableView Of(UnreadableRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new UnreadableView(row.Id, row.Reason, row.Message, row.Version, row.FlaggedAt);
    }

    /// <summary>The answer of any route that needs the connection itself: 409, since the row exists but nothing can be done with it.</summary>
    public static IResult Problem(UnreadableRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return Results.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "The connection is stored but cannot be read.",
            detail: row.Message,
            extensions: new Dictionary<string, object?>
            {
                ["connectionId"] = row.Id,
                ["reason"] = row.Reason.ToString(),
                ["version"] = row.Version,
                ["flaggedAt"] = row.FlaggedAt,
            });
    }
}
