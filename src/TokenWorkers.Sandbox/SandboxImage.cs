namespace TokenWorkers.Sandbox;

/// <summary>Which of LinkedIn's upload APIs registered an image.</summary>
public enum SandboxImageApi
{
    /// <summary><c>POST /rest/images?action=initializeUpload</c>: <c>urn:li:image:{id}</c>, for <c>/rest/posts</c>.</summary>
    Images,

    /// <summary><c>POST /v2/assets?action=registerUpload</c>: <c>urn:li:digitalmediaAsset:{id}</c>, for <c>/v2/ugcPosts</c>.</summary>
    Assets,
}

/// <summary>An image upload the sandbox registered, as it stood when read.</summary>
/// <param name="Id">LinkedIn's id (the URN without its prefix).</param>
/// <param name="Urn"><c>urn:li:image:{id}</c> or <c>urn:li:digitalmediaAsset:{id}</c>.</param>
/// <param name="Api">The API that registered it.</param>
/// <param name="Owner">The owner named at registration (<c>urn:li:person:…</c> or <c>urn:li:organization:…</c>).</param>
/// <param name="ClientId">The app that registered it.</param>
/// <param name="GrantId">The grant whose token registered it.</param>
/// <param name="CreatedAt">The sandbox clock at registration.</param>
/// <param name="UploadUrlExpiresAt">After this the upload URL refuses bytes.</param>
public sealed record SandboxImage(
    string Id,
    string Urn,
    SandboxImageApi Api,
    string Owner,
    string ClientId,
    string GrantId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UploadUrlExpiresAt)
{
    /// <summary>LinkedIn's processing state: <c>WAITING_UPLOAD</c>, <c>PROCESSING</c>, <c>AVAILABLE</c> or <c>PROCESSING_FAILED</c>.</summary>
    public string Status { get; init; } = SandboxImageStatus.WaitingUpload;

    /// <summary>When the last upload arrived.</summary>
    public DateTimeOffset? UploadedAt { get; init; }

    /// <summary>When processing of the last upload ends (or ended).</summary>
    public DateTimeOffset? ProcessedAt { get; init; }

    /// <summary>Why processing failed, when it did.</summary>
    public string? FailureReason { get; init; }

    /// <summary>The type the bytes' magic numbers show (<c>image/png</c>, <c>image/gif</c>, <c>image/jpeg</c>), when they show one.</summary>
    public string? MediaType { get; init; }

    /// <summary>Width in pixels from the image header.</summary>
    public int? Width { get; init; }

    /// <summary>Height in pixels from the image header.</summary>
    public int? Height { get; init; }

    /// <summary>How many bytes the last upload had.</summary>
    public long? ByteCount { get; init; }

    /// <summary>The state the upload ends in once <see cref="ProcessedAt"/> has passed.</summary>
    internal string? Outcome { get; init; }

    /// <summary>The secret part of the upload URL (its <c>ut</c> parameter): whoever holds the URL may upload.</summary>
    internal string UploadKey { get; init; } = "";

    /// <summary>This image as it stands at <paramref name="now"/>: processing ends on the sandbox clock.</summary>
    internal SandboxImage At(DateTimeOffset now) =>
        Status == SandboxImageStatus.Processing && ProcessedAt is { } done && now >= done && Outcome is { } outcome
            ? this with { Status = outcome }
            : this;
}

/// <summary>LinkedIn's image processing states (docs/linkedin-api.md §10.2–10.3).</summary>
public static class SandboxImageStatus
{
    public const string WaitingUpload = "WAITING_UPLOAD";
    public const string Processing = "PROCESSING";
    public const string Available = "AVAILABLE";
    public const string ProcessingFailed = "PROCESSING_FAILED";
}

/// <summary>An image a post carries: its URN, and the alt text (<c>/rest/posts</c>) or description and title (<c>/v2/ugcPosts</c>) sent with it.</summary>
public sealed record SandboxPostImage(string Urn, string? AltText = null, string? Title = null);
