using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Events;
using TokenWorkers.Import;
using TokenWorkers.Messaging;
using TokenWorkers.Publishing;
using TokenWorkers.Refresh;
using TokenWorkers.Runtime;
using TokenWorkers.Telemetry;

namespace TokenWorkers.Admin;

/// <summary>
/// The admin API under <c>/admin</c> (when <c>Admin:Enabled</c>): connections without their secrets, one
/// connection's timeline, force a refresh, disconnect, send a post, import connections, key rotation, the audit trail and
/// the status page.
/// Every route needs a key holding the route's scope (<see cref="AdminGate"/>); every write is audited. A route that needs
/// a connection the store cannot read answers 409 with the reason.
/// </summary>
public static class AdminEndpoints
{
    public const string Prefix = "/admin";
    private const int MaxReasonLength = 500;

    public static IServiceCollection AddAdmin(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<AdminOptions>(AdminOptions.SectionName);
        services.AddSingleton<IValidateOptions<AdminOptions>, AdminOptionsValidator>();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        // Outside the admin switch: the worker's reencrypt command uses it with the admin API off.
        services.TryAddScoped<ConnectionReencryptor>();
        // Also outside it: the worker's import command runs the same importer.
        services.TryAddScoped<ImportLookup>();
        services.TryAddScoped<ConnectionImporter>();
        if (!IsEnabled(configuration))
        {
            return services;
        }

        services.TryAddSingleton<AdminKeyring>();
        services.TryAddScoped<ConnectionDisconnector>();
        return services;
    }

    public static bool IsEnabled(IConfiguration configuration) =>
        configuration.GetSection(AdminOptions.SectionName).GetValue<bool>(nameof(AdminOptions.Enabled));

    public static WebApplication MapAdminEndpoints(this WebApplication app)
    {
        if (!IsEnabled(app.Configuration))
        {
            return app;
        }

        app.UseAdminGate();

        var admin = app.MapGroup(Prefix);
        admin.AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context);
            }
            catch (UnreadableRowException ex) when (ex.Row is { } row)
            {
                await context.HttpContext.RequestServices.GetRequiredService<UnreadableConnections>()
                    .ReportAsync([row], context.HttpContext.RequestAborted);
                return UnreadableView.Problem(row);
            }
        });
        admin.MapGet("/", () => Results.Redirect($"{Prefix}/status"));
        admin.MapGet("/status", StatusPage.RenderAsync);
        admin.MapGet("/status/connections/{connectionId}", ConnectionStatusPage.RenderAsync);
        admin.MapGet("/fleet", async (FleetMonitor fleet, CancellationToken cancellationToken) =>
            Results.Ok(FleetView.Of(await fleet.GetAsync(TimeSpan.FromSeconds(5), cancellationToken))));
        admin.MapGet("/connections", ListAsync);
        admin.MapGet("/connections/{connectionId}", FindAsync);
        admin.MapGet("/connections/{connectionId}/timeline", TimelineAsync);
        admin.MapPost("/connections/{connectionId}/refresh", RefreshAsync).RequireScope(AdminScopes.Operate);
        admin.MapPost("/connections/{connectionId}/disconnect", DisconnectAsync).RequireScope(AdminScopes.Operate);
        admin.MapPost("/connections/{connectionId}/posts", SendPostAsync).RequireScope(AdminScopes.Post);
        admin.MapImportEndpoints();
        admin.MapPostAdmin();
        admin.MapMemberAdmin();
        admin.MapEncryptionEndpoints();
        admin.MapAuditEndpoints();
        admin.MapTokenVending();
        app.MapProxyEndpoints();
        return app;
    }

    private static async Task<IResult> ListAsync(
        string? after, int? limit, IConnectionStore store, IReconnectLinks links, UnreadableConnections unreadable, IOptions<AdminOptions> options,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var size = Math.Clamp(limit ?? options.Value.PageSize, 1, options.Value.PageSize);
        var page = await store.ListAsync(string.IsNullOrEmpty(after) ? null : after, size, cancellationToken);
        await unreadable.ReportAsync(page.Unreadable, cancellationToken);
        var now = time.GetUtcNow();
        return Results.Ok(new ConnectionPage(
            [.. page.Select(c => ConnectionView.Of(c, now, links.LinkFor(c.ConnectionId, c.TenantId)))],
            page.Scanned == size ? page.LastId : null,
            [.. page.Unreadable.Select(UnreadableView.Of)]));
    }

    private static async Task<IResult> FindAsync(
        string connectionId, IConnectionStore store, IReconnectLinks links, TimeProvider time, CancellationToken cancellationToken) =>
        await store.FindAsync(connectionId, cancellationToken) is { } c
            ? Results.Ok(Details(c, links, time.GetUtcNow()))
            : NotFound(connectionId);

    private static async Task<IResult> TimelineAsync(string connectionId, IConnectionStore store, CancellationToken cancellationToken) =>
        await store.FindAsync(connectionId, cancellationToken) is { } c
            ? Results.Ok(c.Attempts.Reverse())
            : NotFound(connectionId);

    private static async Task<IResult> RefreshAsync(
        string connectionId, ConnectionRefresher refresher, IReconnectLinks links, TimeProvider time, CancellationToken cancellationToken)
    {
        RefreshOutcome outcome;
        Connection? connection;
        try
        {
            // The operator's forced refresh: the only way to refresh a connection outside its window.
            (outcome, connection) = await refresher.RefreshAsync(connectionId, AttemptTrigger.Forced, cancellationToken);
        }
        catch (UnknownConnectionException)
        {
            return NotFound(connectionId);
        }

        var now = time.GetUtcNow();
        var body = new RefreshResponse(outcome, View(connection, links, now), connection?.Attempts.Reverse().ToList());
        return outcome switch
        {
            RefreshOutcome.NotActive => Results.Conflict(body with { Problem = "The connection is not active: the member must connect again." }),
            RefreshOutcome.Leased => Results.Conflict(body with { Problem = "A refresh or post is using this connection right now; try again in a few seconds." }),
            RefreshOutcome.NotDue => Results.Conflict(body with { Problem = connection is null ? null : RefreshRefusals.Explain(connection, now) }),
            _ => Results.Ok(body),
        };
    }

    private static async Task<IResult> DisconnectAsync(
        string connectionId, string? reason, ConnectionDisconnector disconnector, IReconnectLinks links, TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (reason is { Length: > MaxReasonLength })
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The reason is too long.",
                detail: $"A disconnect reason travels in ConnectionDisconnected: at most {MaxReasonLength} characters.");
        }

        var result = await disconnector.DisconnectAsync(connectionId, string.IsNullOrWhiteSpace(reason) ? null : reason.Trim(), cancellationToken);
        var body = new DisconnectResponse(
            result.Outcome, result.Problem, View(result.Connection, links, time.GetUtcNow()), result.Connection?.Attempts.Reverse().ToList());
        return result.Outcome switch
        {
            DisconnectOutcome.Unknown => NotFound(connectionId),
            DisconnectOutcome.Leased => Results.Conflict(body),
            DisconnectOutcome.RevokeFailed => Results.Json(body, statusCode: StatusCodes.Status502BadGateway),
            _ => Results.Ok(body),
        };
    }

    private static async Task<IResult> SendPostAsync(
        string connectionId, AdminPostRequest request, IConnectionStore store, CommandSender sender, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(connectionId, cancellationToken) is not { } connection)
        {
            return NotFound(connectionId);
        }

        var command = new PublishPost
        {
            PostId = string.IsNullOrWhiteSpace(request.PostId) ? $"admin-{Guid.NewGuid():N}" : request.PostId,
            ConnectionId = connectionId,
            TenantId = connection.TenantId,
            Text = request.Text ?? "",
            Visibility = request.Visibility ?? PostVisibility.Public,
            ArticleUrl = request.ArticleUrl,
            ArticleTitle = request.ArticleTitle,
            ArticleDescription = request.ArticleDescription,
        };
        if (PostValidation.Check(command) is { } problem)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The post cannot be sent.", detail: problem);
        }

        // A command goes to its queue; publishing it would reach any consumer bound to the PublishPost exchange.
        await sender.SendAsync<PublishPostConsumer, PublishPost>(command, cancellationToken);
        return Results.Accepted(value: new { command.PostId, command.ConnectionId });
    }

    private static ConnectionView? View(Connection? c, IReconnectLinks links, DateTimeOffset now) =>
        c is null ? null : ConnectionView.Of(c, now, links.LinkFor(c.ConnectionId, c.TenantId));

    private static ConnectionDetails Details(Connection c, IReconnectLinks links, DateTimeOffset now) =>
        new(ConnectionView.Of(c, now, links.LinkFor(c.ConnectionId, c.TenantId)), [.. c.Attempts.Reverse()]);

    private static IResult NotFound(string connectionId) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown connection.", detail: $"Connection '{connectionId}' does not exist.");
}

/// <summary>The body of <c>POST /admin/connections/{id}/posts</c>; PostId is generated when absent.</summary>
public sealed record AdminPostRequest(
    string? PostId, string? Text, PostVisibility? Visibility, Uri? ArticleUrl, string? ArticleTitle, string? ArticleDescription);

/// <summary>The answer to a forced refresh: the outcome, the connection as it is now and its timeline, newest first.</summary>
public sealed record RefreshResponse(RefreshOutcome Outcome, ConnectionView? Connection, IReadOnlyList<RefreshAttempt>? Timeline, string? Problem = null);

/// <summary>The answer to a disconnect: the outcome, why it failed, the connection as it is now and its timeline.</summary>
public sealed record DisconnectResponse(DisconnectOutcome Outcome, string? Problem, ConnectionView? Connection, IReadOnlyList<RefreshAttempt>? Timeline);

/// <summary>The fleet's counts and next deadlines, as <c>GET /admin/fleet</c> returns them.</summary>
public sealed record FleetView(long Total, IReadOnlyDictionary<ConnectionStatus, long> ByStatus, DateTimeOffset? EarliestAccessTokenExpiry, DateTimeOffset? EarliestRefreshTokenEnd)
{
    public static FleetView Of(FleetSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return new FleetView(summary.Total, summary.Counts, summary.EarliestAccessTokenExpiry, summary.EarliestRefreshTokenEnd);
    }
}
