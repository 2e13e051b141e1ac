using Microsoft.Extensions.Options;
using TokenWorkers.Contracts;
using TokenWorkers.Ports;
using TokenWorkers.Posts;

namespace TokenWorkers.Publishing;

/// <summary>
/// Gets a claimed post's images to LinkedIn before the post call: loads and checks every image not yet uploaded (a refused one fails
/// the post before any call), registers each with the author as owner, uploads it, and waits until LinkedIn reports it AVAILABLE.
/// Every step is written to the post's entry before the next, so a later attempt continues where this one stopped.
/// </summary>
public sealed partial class ImageUploads(
    ImageSources sources, ILinkedInImages linkedIn, TimeProvider time, IOptions<ImageOptions> options, ILogger<ImageUploads> logger)
{
    /// <summary>An upload URL this close to its expiry is registered again rather than uploaded to (the upload could be cut off).</summary>
    public static readonly TimeSpan UploadUrlMargin = TimeSpan.FromMinutes(1);

    private readonly ImageOptions _options = options.Value;

    /// <summary>
    /// The images ready to post (<see cref="ImagesReady"/>), or the result that stops this attempt: LinkedIn's refusal,
    /// <see cref="ClaimLost"/>, or an <see cref="ImageProblem"/>. Transport faults throw <see cref="LinkedInTransportException"/>.
    /// </summary>
    public async Task<ApiResult> PrepareAsync(IPostSteps steps, string ownerUrn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var loaded = new Dictionary<int, CheckedImage>();
        for (var i = 0; i < steps.Current.Images.Count; i++)
        {
            if (steps.Current.Images[i].Stage >= ImageStage.Uploaded)
            {
                continue;
            }

            switch (await sources.LoadAsync(steps.Current.Images[i], cancellationToken))
            {
                case CheckedImage image:
                    loaded[i] = image;
                    break;
                case ImageRefused refused:
                    return new ImageProblem(FailureClass.Invalid, $"Images[{i}] {refused.Reason}.");
                case ImageUnavailable unavailable:
                    return new ImageProblem(FailureClass.Transient, $"Images[{i}] {unavailable.Reason}.");
            }
        }

        foreach (var (index, image) in loaded)
        {
            if (await UploadAsync(steps, index, image, ownerUrn, cancellationToken) is { } stopped)
            {
                return stopped;
            }
        }

        return await AwaitReadyAsync(steps, cancellationToken)
            ?? new ImagesReady([.. steps.Current.Images.Select(i => new ReadyImage(i.ImageUrn!, i.AltText))]);
    }

    private async Task<ApiResult?> UploadAsync(IPostSteps steps, int index, CheckedImage image, string ownerUrn, CancellationToken cancellationToken)
    {
        var upload = steps.Current.Images[index];
        if (upload.NeedsRegistration(time.GetUtcNow(), UploadUrlMargin))
        {
            var answer = await steps.CallAsync(token => linkedIn.RegisterUploadAsync(token, ownerUrn, cancellationToken), cancellationToken);
            if (answer is not ImageUploadRegistered registered)
            {
                return answer;
            }

            if (await steps.RecordAsync((e, now) => PostTransitions.RegisterImage(
                    e, now, steps.Holder, index, registered.ImageUrn, registered.UploadUrl, registered.UploadUrlExpiresAt), cancellationToken) is null)
            {
                return ClaimLost.Instance;
            }

            upload = steps.Current.Images[index];
            LogRegistered(logger, steps.Current.PostId, index, registered.ImageUrn);
        }

        var target = new ImageUploadRegistered(upload.ImageUrn!, new Uri(upload.UploadUrl!), upload.UploadUrlExpiresAt);
        var sent = await steps.CallAsync(token => linkedIn.UploadAsync(token, target, image.Bytes, image.ContentType, cancellationToken), cancellationToken);
        if (sent is not ImageUploaded)
        {
            return sent;
        }

        LogUploaded(logger, steps.Current.PostId, index, target.ImageUrn, image.Bytes.Length);
        return await steps.RecordAsync((e, now) => PostTransitions.UploadedImage(e, now, steps.Holder, index), cancellationToken) is null
            ? ClaimLost.Instance
            : null;
    }

    /// <summary>
    /// Polls each uploaded image until AVAILABLE, within <see cref="ImageOptions.ReadyWithin"/> for all of them; when the token may
    /// not read images, waits <see cref="ImageOptions.UnreadableWait"/> once instead. Null when every image is ready.
    /// </summary>
    private async Task<ApiResult?> AwaitReadyAsync(IPostSteps steps, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + _options.ReadyWithin;
        var waitedBlind = false;
        for (var index = 0; index < steps.Current.Images.Count; index++)
        {
            while (steps.Current.Images[index] is { Stage: ImageStage.Uploaded } image)
            {
                var read = waitedBlind
                    ? new ImageStatusRead(image.ImageUrn!, ImageProcessing.Available)
                    : await steps.CallAsync(token => linkedIn.GetImageStatusAsync(token, image.ImageUrn!, cancellationToken), cancellationToken);
                switch (read)
                {
                    case ImageStatusRead { State: ImageProcessing.ProcessingFailed } failed:
                        return new ImageProblem(FailureClass.Invalid,
                            $"Images[{index}]: LinkedIn could not process {image.ImageUrn} ({failed.FailureReason ?? "no reason given"}).");
                    case ImageStatusRead { State: ImageProcessing.Unreadable }:
                        // LinkedIn gives this token no way to see the processing: a pause, once for all images, stands in for it.
                        await Task.Delay(_options.UnreadableWait, time, cancellationToken);
                        waitedBlind = true;
                        continue;
                    case ImageStatusRead { State: ImageProcessing.Available }:
                        if (await steps.RecordAsync((e, now) => PostTransitions.ReadyImage(e, now, steps.Holder, index), cancellationToken) is null)
                        {
                            return ClaimLost.Instance;
                        }

                        continue;
                    case ImageStatusRead:
                        if (time.GetUtcNow() >= deadline)
                        {
                            return new ImageProblem(FailureClass.Transient,
                                $"Images[{index}] ({image.ImageUrn}) was not AVAILABLE at LinkedIn within {_options.ReadyWithin:c} (Publishing:Images:ReadyWithin).");
                        }

                        await Task.Delay(_options.PollEvery, time, cancellationToken);
                        continue;
                    default:
                        return read;
                }
            }
        }

        return null;
    }

    [LoggerMessage(EventId = 530, Level = LogLevel.Information, Message = "Post {PostId}: image {Index} registered at LinkedIn as {ImageUrn}")]
    private static partial void LogRegistered(ILogger logger, string postId, int index, string imageUrn);

    [LoggerMessage(EventId = 531, Level = LogLevel.Information, Message = "Post {PostId}: image {Index} ({ImageUrn}) uploaded, {Bytes} bytes")]
    private static partial void LogUploaded(ILogger logger, string postId, int index, string imageUrn, int bytes);
}

/// <summary>Every image of the post is usable: attach these, in the sender's order.</summary>
public sealed record ImagesReady(IReadOnlyList<ReadyImage> Images) : ApiResult;
