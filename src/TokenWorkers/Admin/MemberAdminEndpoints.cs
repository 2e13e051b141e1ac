using TokenWorkers.Connections;
using TokenWorkers.Outbox;

namespace TokenWorkers.Admin;

/// <summary>
/// A connection belongs to the LinkedIn member who first connected it: a reconnect as anyone else is refused. Moving a
/// connection to another member is this explicit operator action: release it (once it is not active), and the next
/// reconnect binds whoever signs in.
/// </summary>
internal static partial class MemberAdminEndpoints
{
    public static RouteGroupBuilder MapMemberAdmin(this RouteGroupBuilder admin)
    {
        admin.MapPost("/connections/{connectionId}/release-member", ReleaseAsync).RequireScope(AdminScopes.Operate);
        return admin;
    }

    private static async Task<IResult> ReleaseAsync(
        string connectionId, AggregateWriter<Connection> writer, IReconnectLinks links, TimeProvider time, ILoggerFactory loggers)
    {
        // An operator's decision lands even if the client hangs up once it is made.
        var written = await writer.UpdateAsync(connectionId, ConnectionTransitions.ReleaseMember, CancellationToken.None);
        if (written.Current is not { } connection)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown connection.", detail: $"Connection '{connectionId}' does not exist.");
        }

        if (!written.Changed)
        {
            return Results.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "The connection cannot be released.",
                detail: connection.Status == ConnectionStatus.Active
                    ? "It is active: disconnect it first, so its tokens stop being used for the current member."
                    : "It is not bound to a member.");
        }

        LogReleased(loggers.CreateLogger(typeof(MemberAdminEndpoints).FullName!), connectionId, connection.Version);
        return Results.Ok(ConnectionView.Of(connection, time.GetUtcNow(), links.LinkFor(connection.ConnectionId, connection.TenantId)));
    }

    [LoggerMessage(EventId = 721, Level = LogLevel.Warning,
        Message = "Connection {ConnectionId} released from its member by an operator (version {Version}): the next reconnect may bind another member")]
    private static partial void LogReleased(ILogger logger, string connectionId, long version);
}
