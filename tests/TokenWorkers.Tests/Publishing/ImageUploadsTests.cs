using MassTransit;
using MassTransit.MessageData;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Events;
using TokenWorkers.Ports;
using TokenWorkers.Posts;
using TokenWorkers.Publishing;
using TokenWorkers.Testing;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Publishing;

/// <summary>
/// The image steps of an attempt, with LinkedIn's image port faked and the entry moved by the real transitions: each step is
/// written before the next, so a later attempt (after a crash, a 5xx, an expired URL) sends LinkedIn only what it still needs.
/// </summary>
public sealed class ImageUploadsTests
{
    private const string Author = "urn:li:organization:88910959";
    private readonly InMemoryMessageDataRepository _repository = new();
    private readonly FakeLinkedInImages _linkedIn = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Each_image_is_registered_as_the_author_uploaded_and_awaited_then_handed_over_in_order()
    {
        var steps = await ClaimedWithImagesAsync(2);

        var ready = Assert.IsType<ImagesReady>(await Uploads().PrepareAsync(steps, Author, Cancel));

        Assert.Equal(["urn:li:image:I1", "urn:li:image:I2"], ready.Images.Select(i => i.ImageUrn));
        Assert.Equal(["alt 0", "alt 1"], ready.Images.Select(i => i.AltText));
        Assert.Equal([Author, Author], _linkedIn.Owners);
        Assert.Equal(2, _linkedIn.Uploads.Count);
        Assert.All(steps.Current.Images, i => Assert.Equal(ImageStage.Ready, i.Stage));
    }

    [Fact]
    public async Task After_a_crash_between_the_uploads_and_the_post_call_a_new_attempt_uploads_nothing_again()
    {
        var first = await ClaimedWithImagesAsync(2);
        var before = Assert.IsType<ImagesReady>(await Uploads().PrepareAsync(first, Author, Cancel));

        // The worker dies before the post call; the claim lapses and another instance takes the post over.
        var resumed = TakenOverAfterCrash(first.Current);
        var after = Assert.IsType<ImagesReady>(await Uploads().PrepareAsync(resumed, Author, Cancel));

        Assert.Equal(before.Images, after.Images);
        Assert.Equal(2, _linkedIn.Owners.Count);
        Assert.Equal(2, _linkedIn.Uploads.Count);
    }

    [Fact]
    public async Task After_a_crash_while_LinkedIn_processed_a_new_attempt_only_asks_for_the_state()
    {
        var first = await ClaimedWithImagesAsync(1);
        _linkedIn.State = ImageProcessing.Processing;
        var notYet = Assert.IsType<ImageProblem>(await Uploads(readyWithin: TimeSpan.FromMilliseconds(200)).PrepareAsync(first, Author, Cancel));

        _linkedIn.State = ImageProcessing.Available;
        var resumed = TakenOverAfterCrash(first.Current);
        var ready = Assert.IsType<ImagesReady>(await Uploads().PrepareAsync(resumed, Author, Cancel));

        Assert.Equal(FailureClass.Transient, notYet.Class);
        Assert.Contains("was not AVAILABLE", notYet.Reason, StringComparison.Ordinal);
        Assert.Equal(ImageStage.Uploaded, first.Current.Images[0].Stage);
        Assert.Equal("urn:li:image:I1", Assert.Single(ready.Images).ImageUrn);
        Assert.Single(_linkedIn.Uploads);
    }

    [Fact]
    public async Task A_registered_image_whose_upload_failed_is_uploaded_again_to_the_same_url_while_it_is_valid()
    {
        var first = await ClaimedWithImagesAsync(1);
        _linkedIn.UploadAnswers.Enqueue(new ApiRejected(FailureClass.Transient, 503, null, "Service Unavailable"));
        Assert.IsType<ApiRejected>(await Uploads().PrepareAsync(first, Author, Cancel));

        var resumed = TakenOverAfterCrash(first.Current);
        Assert.IsType<ImagesReady>(await Uploads().PrepareAsync(resumed, Author, Cancel));

        Assert.Single(_linkedIn.Owners);
        Assert.Equal([FakeLinkedInImages.UploadUrlOf(1), FakeLinkedInImages.UploadUrlOf(1)], _linkedIn.Uploads);
    }

    [Fact]
    public async Task A_registered_image_whose_upload_url_expired_is_registered_again_and_sent_to_the_new_url()
    {
        _linkedIn.UploadUrlLifetime = TimeSpan.FromSeconds(30); // inside the margin: expired for the next attempt
        var first = await ClaimedWithImagesAsync(1);
        _linkedIn.UploadAnswers.Enqueue(new ApiRejected(FailureClass.Transient, 503, null, "Service Unavailable"));
        Assert.IsType<ApiRejected>(await Uploads().PrepareAsync(first, Author, Cancel));

        var resumed = TakenOverAfterCrash(first.Current);
        var ready = Assert.IsType<ImagesReady>(await Uploads().PrepareAsync(resumed, Author, Cancel));

        Assert.Equal(2, _linkedIn.Owners.Count);
        Assert.Equal([FakeLinkedInImages.UploadUrlOf(1), FakeLinkedInImages.UploadUrlOf(2)], _linkedIn.Uploads);
        Assert.Equal("urn:li:image:I2", Assert.Single(ready.Images).ImageUrn);
    }

    [Fact]
    public async Task An_image_LinkedIn_could_not_process_stops_the_post_with_LinkedIns_reason()
    {
        var steps = await ClaimedWithImagesAsync(2);
        _linkedIn.State = ImageProcessing.ProcessingFailed;

        var problem = Assert.IsType<ImageProblem>(await Uploads().PrepareAsync(steps, Author, Cancel));

        Assert.Equal(FailureClass.Invalid, problem.Class);
        Assert.Equal("Images[0]: LinkedIn could not process urn:li:image:I1 (Media processing failed: corrupt image).", problem.Reason);
    }

    [Fact]
    public async Task A_refused_image_stops_the_post_before_any_call_to_LinkedIn()
    {
        var svg = await _repository.PutBytes("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"u8.ToArray(), Cancel);
        var steps = await ClaimedWithImagesAsync(1, extra: new ImageUpload(ImageSource.MessageData, svg.Address.ToString(), null));

        var problem = Assert.IsType<ImageProblem>(await Uploads().PrepareAsync(steps, Author, Cancel));

        Assert.Equal(FailureClass.Invalid, problem.Class);
        Assert.StartsWith("Images[1] is not a JPG, GIF or PNG", problem.Reason, StringComparison.Ordinal);
        Assert.Empty(_linkedIn.Owners);
        Assert.Empty(_linkedIn.Uploads);
    }

    [Fact]
    public async Task When_the_token_may_not_read_images_the_attempt_waits_once_for_all_of_them()
    {
        var steps = await ClaimedWithImagesAsync(3);
        _linkedIn.State = ImageProcessing.Unreadable;

        var ready = Assert.IsType<ImagesReady>(await Uploads().PrepareAsync(steps, Author, Cancel));

        Assert.Equal(3, ready.Images.Count);
        Assert.Equal(1, _linkedIn.StatusReads);
    }

    [Fact]
    public async Task A_lost_claim_stops_the_steps_without_another_call()
    {
        var steps = await ClaimedWithImagesAsync(2);
        steps.LoseClaimAfterWrites = 0; // the registration cannot be recorded: the post is someone else's

        Assert.IsType<ClaimLost>(await Uploads().PrepareAsync(steps, Author, Cancel));
        Assert.Single(_linkedIn.Owners);
        Assert.Empty(_linkedIn.Uploads);
    }

    private ImageUploads Uploads(TimeSpan? readyWithin = null)
    {
        var options = Options.Create(new ImageOptions
        {
            ReadyWithin = readyWithin ?? TimeSpan.FromSeconds(5),
            PollEvery = TimeSpan.FromMilliseconds(50),
            UnreadableWait = TimeSpan.FromMilliseconds(100),
        });
        var sources = new ImageSources(new ImageFetcher(new HttpClient(), options), _repository, options);
        return new ImageUploads(sources, _linkedIn, TimeProvider.System, options, NullLogger<ImageUploads>.Instance);
    }

    private async Task<LedgerSteps> ClaimedWithImagesAsync(int count, ImageUpload? extra = null)
    {
        var images = new List<ImageUpload>();
        for (var i = 0; i < count; i++)
        {
            var put = await _repository.PutBytes(TestImages.Png(1200 + i, 627), Cancel);
            images.Add(new ImageUpload(ImageSource.MessageData, put.Address.ToString(), $"alt {i}"));
        }

        if (extra is not null)
        {
            images.Add(extra);
        }

        var now = TimeProvider.System.GetUtcNow();
        var received = PostTransitions.Record("post-1", The.ConnectionId, new PostContent("Launch", PostVisibility.Public, Author: Author), now,
            TimeSpan.FromMinutes(10), invalid: null, images: images).Next with
        { Version = 1 };
        return new LedgerSteps(PostTransitions.Claim(received, now, "worker-a/1", TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10), null,
            TimeSpan.FromHours(1))!.Next with
        { Version = 2 }, "worker-a/1");
    }

    /// <summary>The entry as another instance finds it once the crashed holder's claim has lapsed, and claims it.</summary>
    private static LedgerSteps TakenOverAfterCrash(PostEntry left)
    {
        var now = TimeProvider.System.GetUtcNow() + TimeSpan.FromMinutes(3);
        var lapsed = left with { Claim = left.Claim! with { Until = now.AddSeconds(-1) } };
        var claimed = PostTransitions.Claim(lapsed, now, "worker-b/1", TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10), null, TimeSpan.FromHours(1));
        return new LedgerSteps(claimed!.Next with { Version = left.Version + 1 }, "worker-b/1");
    }

    /// <summary>The attempt's ledger in memory: each step is the real transition, applied to the entry this attempt last wrote.</summary>
    private sealed class LedgerSteps(PostEntry claimed, string holder) : IPostSteps
    {
        public int? LoseClaimAfterWrites { get; set; }

        public string Holder => holder;

        public PostEntry Current { get; private set; } = claimed;

        public Task<ApiResult> CallAsync(Func<SecretToken, Task<ApiResult>> linkedInCall, CancellationToken cancellationToken) =>
            linkedInCall(The.AccessToken);

        public Task<PostEntry?> RecordAsync(Func<PostEntry, DateTimeOffset, Change<PostEntry>?> transition, CancellationToken cancellationToken)
        {
            if (LoseClaimAfterWrites-- <= 0)
            {
                Current = Current with { Claim = Current.Claim! with { Holder = "worker-z/9" } };
            }

            if (transition(Current, TimeProvider.System.GetUtcNow()) is not { } change)
            {
                return Task.FromResult<PostEntry?>(null);
            }

            Current = change.Next with { Version = Current.Version + 1 };
            return Task.FromResult<PostEntry?>(Current);
        }
    }

    /// <summary>LinkedIn's image endpoints as values: URNs I1, I2, … in order of registration; every image in <see cref="State"/>.</summary>
    private sealed class FakeLinkedInImages : ILinkedInImages
    {
        private int _registered;

        public List<string> Owners { get; } = [];

        public List<Uri> Uploads { get; } = [];

        public Queue<ApiResult> UploadAnswers { get; } = new();

        public ImageProcessing State { get; set; } = ImageProcessing.Available;

        public int StatusReads { get; private set; }

        public TimeSpan UploadUrlLifetime { get; set; } = TimeSpan.FromHours(1);

        public static Uri UploadUrlOf(int n) => new($"https://www.linkedin.com/dms-uploads/I{n}/uploaded-image/0?ca=vector_feedshare&ut=upload-secret-{n}");

        public Task<ApiResult> RegisterUploadAsync(SecretToken accessToken, string ownerUrn, CancellationToken cancellationToken)
        {
            Owners.Add(ownerUrn);
            var n = ++_registered;
            return Task.FromResult<ApiResult>(new ImageUploadRegistered($"urn:li:image:I{n}", UploadUrlOf(n), TimeProvider.System.GetUtcNow() + UploadUrlLifetime));
        }

        public Task<ApiResult> UploadAsync(
            SecretToken accessToken, ImageUploadRegistered upload, ReadOnlyMemory<byte> bytes, string contentType, CancellationToken cancellationToken)
        {
            Uploads.Add(upload.UploadUrl);
            Assert.Equal("image/png", contentType);
            return Task.FromResult(UploadAnswers.TryDequeue(out var answer) ? answer : new ImageUploaded(upload.ImageUrn));
        }

        public Task<ApiResult> GetImageStatusAsync(SecretToken accessToken, string imageUrn, CancellationToken cancellationToken)
        {
            StatusReads++;
            return Task.FromResult<ApiResult>(State == ImageProcessing.ProcessingFailed
                ? new ImageStatusRead(imageUrn, State, "Media processing failed: corrupt image")
                : new ImageStatusRead(imageUrn, State));
        }
    }
}
