using MassTransit;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Messaging;
using TokenWorkers.Outbox;
using TokenWorkers.Posts;
using TokenWorkers.Publishing;

namespace TokenWorkers.Admin;

/// <summary>
/// The posting ledger in the admin API: one post as the ledger holds it, the operator's resolution of a post stopped with an
/// unknown outcome (its answer was lost and it could not be settled safely in time), cancelling, and deleting from LinkedIn.
/// </summary>
internal static partial class PostAdminEndpoints
{
    public static RouteGroupBuilder MapPostAdmin(this RouteGroupBuilder admin)
    {
        admin.MapGet("/posts/{postId}", FindAsync);
        admin.MapPost("/posts/{postId}/resolve", ResolveAsync).RequireScope(AdminScopes.Operate);
        admin.MapPost("/posts/{postId}/cancel", CancelAsync).RequireScope(AdminScopes.Operate);
        admin.MapDelete("/posts/{postId}", DeleteAsync).RequireScope(AdminScopes.Operate);
        return admin;
    }

    private static async Task<IResult> FindAsync(string postId, IPostLedger ledger, CancellationToken cancellationToken) =>
        await ledger.FindAsync(postId, cancellationToken) is { } entry ? Results.Ok(PostView.Of(entry)) : NotFound(postId);

    private static async Task<IResult> ResolveAsync(
        string postId, PostResolutionRequest request, AggregateWriter<PostEntry> writer, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (request.Resolution is not { } resolution || !Enum.IsDefined(resolution))
        {
            return Problem(StatusCodes.Status400BadRequest, "resolution must be Published, Retry or Abandon.");
        }

        var urn = request.Urn?.Trim();
        if (resolution == PostResolution.Published && (urn is null || !urn.StartsWith("urn:li:", StringComparison.Ordinal) || urn.Length > 200))
        {
            return Problem(StatusCodes.Status400BadRequest, "A post resolved as Published needs the urn LinkedIn gave it (urn:li:share:… or urn:li:ugcPost:…).");
        }

        // An operator's decision must land even if the client hangs up once it is made.
        var written = await writer.UpdateAsync(postId, (e, now) => PostResolutions.Resolve(e, now, resolution, urn), CancellationToken.None);
        if (written.Current is not { } entry)
        {
            return NotFound(postId);
        }

        if (!written.Changed)
        {
            return Results.Conflict(new { problem = $"Post '{postId}' is {entry.State}: only a post stopped as OutcomeUnknown is resolved by hand.", post = PostView.Of(entry) });
        }

        LogResolved(loggers.CreateLogger(typeof(PostAdminEndpoints).FullName!), postId, resolution, urn);
        return Results.Ok(PostView.Of(entry));
    }

    private static async Task<IResult> CancelAsync(string postId, string? reason, HttpContext http, PostCanceller canceller, CancellationToken cancellationToken)
    {
        if (reason is { Length: > PostCanceller.MaxReasonLength })
        {
            return Problem(StatusCodes.Status400BadRequest, $"A cancel reason travels in PostCancelled: at most {PostCanceller.MaxReasonLength} characters.");
        }

        var who = AdminGate.CallerOf(http)?.Name;
        var (outcome, entry) = await canceller.CancelAsync(postId, tenantId: null, string.IsNullOrWhiteSpace(reason) ? $"cancelled by {who}" : $"{reason.Trim()} ({who})", cancellationToken);
        return outcome switch
        {
            CancelOutcome.Unknown => NotFound(postId),
            CancelOutcome.TooLate => Results.Conflict(new { problem = $"Post '{postId}' is {entry!.State}: only a post nothing has been sent for can be cancelled.", post = PostView.Of(entry) }),
            _ => Results.Ok(PostView.Of(entry!)),
        };
    }

    /// <summary>
    /// Sends DeletePost for a published post, as its sender would (with its connection's tenant): 202, and PostDeleted follows.
    /// Deleting happens at LinkedIn, with retries, so it goes through the command's queue rather than this request.
    /// </summary>
    private static async Task<IResult> DeleteAsync(
        string postId, IPostLedger ledger, IConnectionStore store, CommandSender sender, CancellationToken cancellationToken)
    {
        if (await ledger.FindAsync(postId, cancellationToken) is not { } entry)
        {
            return NotFound(postId);
        }

        if (entry.State is not (PostState.Published or PostState.Deleted))
        {
            var hint = entry.State is PostState.Scheduled or PostState.Received or PostState.AwaitingReauth ? " Cancel it instead." : "";
            return Results.Conflict(new { problem = $"Post '{postId}' is {entry.State}: only a published post can be deleted from LinkedIn.{hint}", post = PostView.Of(entry) });
        }

        var tenantId = (await store.FindAsync(entry.ConnectionId, cancellationToken))?.TenantId;
        await sender.SendAsync<DeletePostConsumer, DeletePost>(new DeletePost { PostId = postId, TenantId = tenantId }, cancellationToken);
        return Results.Accepted(value: PostView.Of(entry));
    }

    private static IResult NotFound(string postId) =>
        Problem(StatusCodes.Status404NotFound, $"Post '{postId}' is not in the ledger.");

    private static IResult Problem(int status, string detail) => Results.Problem(statusCode: status, detail: detail);

    [LoggerMessage(EventId = 720, Level = LogLevel.Warning, Message = "Post {PostId} resolved by an operator as {Resolution} ({Urn})")]
    private static partial void LogResolved(ILogger logger, string postId, PostResolution resolution, string? urn);
}

/// <summary>The body of <c>POST /admin/posts/{postId}/resolve</c>.</summary>
public sealed record PostResolutionRequest(PostResolution? Resolution, string? Urn);

/// <summary>
/// A post as the admin API shows it: the ledger's state without the content's full text. <see cref="Hold"/> says why a post that
/// cannot go out now waits and until when (as PostHeld announced it); null when nothing holds it.
/// </summary>
public sealed record PostView(
    string PostId, string ConnectionId, PostState State, int Attempts, string? Urn, PostError? LastError, DateTimeOffset? NotBefore,
    DateTimeOffset? UncertainSince, long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? PublishAt = null,
    string? CancelReason = null, PostHold? Hold = null, IReadOnlyList<PostImageView>? Images = null)
{
    public static PostView Of(PostEntry e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(e.PostId, e.ConnectionId, e.State, e.Attempts, e.Urn, e.LastError, e.NotBefore, e.UncertainSince, e.Version, e.CreatedAt, e.UpdatedAt,
            e.PublishAt, e.CancelReason, e.Hold, e.Images.Count == 0 ? null : [.. e.Images.Select(PostImageView.Of)]);
    }
}

/// <summary>
/// One image of a post and its upload step. URLs are shown without their query strings: an upload URL's query is LinkedIn's
/// upload capability, and a sender's image URL may carry a signature.
/// </summary>
public sealed record PostImageView(
    ImageSource Source, string Reference, string? AltText, ImageStage Stage, string? ImageUrn, string? UploadUrl, DateTimeOffset? UploadUrlExpiresAt)
{
    public static PostImageView Of(ImageUpload i)
    {
        ArgumentNullException.ThrowIfNull(i);
        var reference = i.Source == ImageSource.Url && Uri.TryCreate(i.Reference, UriKind.Absolute, out var url) ? url.GetLeftPart(UriPartial.Path) : i.Reference;
        return new(i.Source, reference, i.AltText, i.Stage, i.ImageUrn, i.UploadUrlShown, i.UploadUrlExpiresAt);
    }
}
