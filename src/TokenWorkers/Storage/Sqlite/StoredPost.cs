using System.Text.Json.Serialization;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Events;
using TokenWorkers.Posts;

namespace TokenWorkers.Storage.Sqlite;

/// <summary>The JSON document of a ledger row: a storage format, separate from <see cref="PostEntry"/>; dates in unix milliseconds.</summary>
internal sealed record StoredPost
{
    public required PostContent Content { get; init; }

    public int Attempts { get; init; }

    public string? Urn { get; init; }

    public StoredPostError? LastError { get; init; }

    public StoredLease? Claim { get; init; }

    public long? AwaitingConnectionVersion { get; init; }

    public StoredPostHold? Hold { get; init; }

    public long? AttemptStartedAt { get; init; }

    public long? UncertainSince { get; init; }

    public long? PublishAt { get; init; }

    public string? CancelReason { get; init; }

    public string? TenantId { get; init; }

    /// <summary>The images and their upload steps; absent for a post without images (and in rows written before images).</summary>
    public IReadOnlyList<StoredImage>? Images { get; init; }

    public long CreatedAt { get; init; }

    public long UpdatedAt { get; init; }

    public IReadOnlyList<StoredEvent> PendingEvents { get; init; } = [];

    public Guid? WriteId { get; init; }

    public static StoredPost From(PostEntry e) => new()
    {
        Content = e.Content,
        Attempts = e.Attempts,
        Urn = e.Urn,
        LastError = e.LastError is { } error ? new StoredPostError(error.Class, error.Message, UnixMilliseconds.From(error.At)) : null,
        Claim = e.Claim is { } claim ? new StoredLease(claim.Holder, UnixMilliseconds.From(claim.Until)) : null,
        AwaitingConnectionVersion = e.AwaitingConnectionVersion,
        Hold = e.Hold is { } hold
            ? new StoredPostHold(hold.Reason, hold.Description, UnixMilliseconds.From(hold.Until), UnixMilliseconds.From(hold.Since), hold.TenantId)
            : null,
        AttemptStartedAt = e.AttemptStartedAt is { } started ? UnixMilliseconds.From(started) : null,
        UncertainSince = e.UncertainSince is { } since ? UnixMilliseconds.From(since) : null,
        PublishAt = UnixMilliseconds.From(e.PublishAt),
        CancelReason = e.CancelReason,
        TenantId = e.TenantId,
        Images = e.Images.Count == 0 ? null : [.. e.Images.Select(StoredImage.From)],
        CreatedAt = UnixMilliseconds.From(e.CreatedAt),
        UpdatedAt = UnixMilliseconds.From(e.UpdatedAt),
        PendingEvents = [.. e.PendingEvents.Select(p => new StoredEvent(p.EventId, p.Kind, p.Payload, UnixMilliseconds.From(p.CreatedAt), p.TraceParent))],
        WriteId = e.WriteId,
    };

    public PostEntry ToEntry(string postId, string connectionId, PostState state, long version) => new()
    {
        PostId = postId,
        ConnectionId = connectionId,
        Content = Content,
        State = state,
        Attempts = Attempts,
        Urn = Urn,
        LastError = LastError is { } error ? new PostError(error.Class, error.Message, UnixMilliseconds.ToDate(error.At)) : null,
        Claim = Claim is { } claim ? new Lease(claim.Holder, UnixMilliseconds.ToDate(claim.Until)) : null,
        AwaitingConnectionVersion = AwaitingConnectionVersion,
        Hold = Hold is { } hold
            ? new PostHold(hold.Reason, hold.Description, UnixMilliseconds.ToDate(hold.Until), UnixMilliseconds.ToDate(hold.Since), hold.TenantId)
            : null,
        AttemptStartedAt = AttemptStartedAt is { } started ? UnixMilliseconds.ToDate(started) : null,
        UncertainSince = UncertainSince is { } since ? UnixMilliseconds.ToDate(since) : null,
        PublishAt = UnixMilliseconds.ToDate(PublishAt),
        CancelReason = CancelReason,
        TenantId = TenantId,
        Images = [.. (Images ?? []).Select(i => i.ToImage())],
        Version = version,
        CreatedAt = UnixMilliseconds.ToDate(CreatedAt),
        UpdatedAt = UnixMilliseconds.ToDate(UpdatedAt),
        // Rows written before posts had an outbox have no pendingEvents, and the generated reader leaves it null.
        PendingEvents = [.. (PendingEvents ?? []).Select(p => new PendingEvent(p.EventId, p.Kind, p.Payload, UnixMilliseconds.ToDate(p.CreatedAt), p.TraceParent))],
        WriteId = WriteId,
    };
}

internal sealed record StoredImage(ImageSource Source, string Reference, string? AltText, ImageStage Stage, string? ImageUrn, string? UploadUrl, long? UploadUrlExpiresAt)
{
    public static StoredImage From(ImageUpload i) =>
        new(i.Source, i.Reference, i.AltText, i.Stage, i.ImageUrn, i.UploadUrl, UnixMilliseconds.From(i.UploadUrlExpiresAt));

    public ImageUpload ToImage() => new(Source, Reference, AltText)
    {
        Stage = Stage,
        ImageUrn = ImageUrn,
        UploadUrl = UploadUrl,
        UploadUrlExpiresAt = UnixMilliseconds.ToDate(UploadUrlExpiresAt),
    };
}

internal sealed record StoredPostError(FailureClass Class, string Message, long At);

internal sealed record StoredPostHold(PostHoldReason Reason, string Description, long? Until, long Since, string? TenantId);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(StoredPost))]
internal sealed partial class StoredPostJsonContext : JsonSerializerContext;
