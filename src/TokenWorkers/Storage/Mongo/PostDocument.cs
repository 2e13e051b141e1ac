using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Events;
using TokenWorkers.Posts;

namespace TokenWorkers.Storage.Mongo;

/// <summary>The persisted shape of a <see cref="PostEntry"/>; element names and BSON types are fixed in <see cref="PostDocumentMaps"/>.</summary>
internal sealed class PostDocument
{
    public string Id { get; set; } = "";

    public string ConnectionId { get; set; } = "";

    public string Text { get; set; } = "";

    public PostVisibility Visibility { get; set; }

    public string? ArticleUrl { get; set; }

    public string? ArticleTitle { get; set; }

    public string? ArticleDescription { get; set; }

    /// <summary>The author the command named (an organization URN for a page post); absent for the member.</summary>
    public string? Author { get; set; }

    public PostState State { get; set; }

    public int Attempts { get; set; }

    public string? Urn { get; set; }

    public PostErrorDocument? LastError { get; set; }

    public DateTime? NotBefore { get; set; }

    public LeaseDocument? Claim { get; set; }

    public long? AwaitingConnectionVersion { get; set; }

    public PostHoldDocument? Hold { get; set; }

    public DateTime? AttemptStartedAt { get; set; }

    public DateTime? UncertainSince { get; set; }

    public DateTime? PublishAt { get; set; }

    public string? CancelReason { get; set; }

    public string? TenantId { get; set; }

    /// <summary>The images and their upload steps; absent for a post without images.</summary>
    public List<PostImageDocument>? Images { get; set; }

    public long Version { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    public List<PendingEventDocument> PendingEvents { get; set; } = [];

    /// <summary>The earliest pending event's time; null when the outbox is empty. Indexed for the sweep.</summary>
    public DateTime? OldestPendingAt { get; set; }

    public Guid? WriteId { get; set; }

    public static PostDocument From(PostEntry e, long version)
    {
        var pending = e.PendingEvents.Select(p => new PendingEventDocument
        {
            EventId = p.EventId,
            Kind = p.Kind,
            Payload = p.Payload,
            CreatedAt = BsonTime.ToBson(p.CreatedAt),
            TraceParent = p.TraceParent,
        }).ToList();
        return new PostDocument
        {
            Id = e.PostId,
            ConnectionId = e.ConnectionId,
            Text = e.Content.Text,
            Visibility = e.Content.Visibility,
            ArticleUrl = e.Content.ArticleUrl,
            ArticleTitle = e.Content.ArticleTitle,
            ArticleDescription = e.Content.ArticleDescription,
            Author = e.Content.Author,
            State = e.State,
            Attempts = e.Attempts,
            Urn = e.Urn,
            LastError = e.LastError is { } error ? new PostErrorDocument { Class = error.Class, Message = error.Message, At = BsonTime.ToBson(error.At) } : null,
            NotBefore = e.NotBefore is { } notBefore ? BsonTime.ToBson(notBefore) : null,
            Claim = e.Claim is { } claim ? new LeaseDocument { Holder = claim.Holder, Until = BsonTime.ToBson(claim.Until) } : null,
            AwaitingConnectionVersion = e.AwaitingConnectionVersion,
            Hold = e.Hold is { } hold
                ? new PostHoldDocument
                {
                    Reason = hold.Reason,
                    Description = hold.Description,
                    Until = BsonTime.ToBson(hold.Until),
                    Since = BsonTime.ToBson(hold.Since),
                    TenantId = hold.TenantId,
                }
                : null,
            AttemptStartedAt = e.AttemptStartedAt is { } started ? BsonTime.ToBson(started) : null,
            UncertainSince = e.UncertainSince is { } since ? BsonTime.ToBson(since) : null,
            PublishAt = BsonTime.ToBson(e.PublishAt),
            CancelReason = e.CancelReason,
            TenantId = e.TenantId,
            Images = e.Images.Count == 0 ? null : [.. e.Images.Select(PostImageDocument.From)],
            Version = version,
            CreatedAt = BsonTime.ToBson(e.CreatedAt),
            UpdatedAt = BsonTime.ToBson(e.UpdatedAt),
            PendingEvents = pending,
            OldestPendingAt = pending.Count == 0 ? null : pending.Min(p => p.CreatedAt),
            WriteId = e.WriteId,
        };
    }

    public PostEntry ToEntry() => new()
    {
        PostId = Id,
        ConnectionId = ConnectionId,
        Content = new PostContent(Text, Visibility, ArticleUrl, ArticleTitle, ArticleDescription, Author),
        State = State,
        Attempts = Attempts,
        Urn = Urn,
        LastError = LastError is { } error ? new PostError(error.Class, error.Message, BsonTime.FromBson(error.At)) : null,
        NotBefore = NotBefore is { } notBefore ? BsonTime.FromBson(notBefore) : null,
        Claim = Claim is { } claim ? new Lease(claim.Holder, BsonTime.FromBson(claim.Until)) : null,
        AwaitingConnectionVersion = AwaitingConnectionVersion,
        Hold = Hold is { } hold
            ? new PostHold(hold.Reason, hold.Description, BsonTime.FromBson(hold.Until), BsonTime.FromBson(hold.Since), hold.TenantId)
            : null,
        AttemptStartedAt = AttemptStartedAt is { } started ? BsonTime.FromBson(started) : null,
        UncertainSince = UncertainSince is { } since ? BsonTime.FromBson(since) : null,
        PublishAt = BsonTime.FromBson(PublishAt),
        CancelReason = CancelReason,
        TenantId = TenantId,
        Images = [.. (Images ?? []).Select(i => i.ToImage())],
        Version = Version,
        CreatedAt = BsonTime.FromBson(CreatedAt),
        UpdatedAt = BsonTime.FromBson(UpdatedAt),
        PendingEvents = [.. (PendingEvents ?? []).Select(p => new PendingEvent(p.EventId, p.Kind, p.Payload, BsonTime.FromBson(p.CreatedAt), p.TraceParent))],
        WriteId = WriteId,
    };
}

internal sealed class PostErrorDocument
{
    public FailureClass Class { get; set; }

    public string Message { get; set; } = "";

    public DateTime At { get; set; }
}

internal sealed class PostImageDocument
{
    public ImageSource Source { get; set; }

    public string Reference { get; set; } = "";

    public string? AltText { get; set; }

    public ImageStage Stage { get; set; }

    public string? ImageUrn { get; set; }

    public string? UploadUrl { get; set; }

    public DateTime? UploadUrlExpiresAt { get; set; }

    public static PostImageDocument From(ImageUpload i) => new()
    {
        Source = i.Source,
        Reference = i.Reference,
        AltText = i.AltText,
        Stage = i.Stage,
        ImageUrn = i.ImageUrn,
        UploadUrl = i.UploadUrl,
        UploadUrlExpiresAt = BsonTime.ToBson(i.UploadUrlExpiresAt),
    };

    public ImageUpload ToImage() => new(Source, Reference, AltText)
    {
        Stage = Stage,
        ImageUrn = ImageUrn,
        UploadUrl = UploadUrl,
        UploadUrlExpiresAt = BsonTime.FromBson(UploadUrlExpiresAt),
    };
}

internal sealed class PostHoldDocument
{
    public PostHoldReason Reason { get; set; }

    public string Description { get; set; } = "";

    public DateTime? Until { get; set; }

    public DateTime Since { get; set; }

    public string? TenantId { get; set; }
}
