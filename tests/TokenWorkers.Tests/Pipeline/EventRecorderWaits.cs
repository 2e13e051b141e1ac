using TokenWorkers.Contracts;

namespace TokenWorkers.Tests.Pipeline;

/// <summary>Waits on what an <see cref="EventRecorder"/> received (kept apart from it: the benchmarks share the recorder, not the test host).</summary>
public static class EventRecorderWaits
{
    /// <summary>The first <typeparamref name="T"/> of <paramref name="postId"/>, waiting up to 30 s for it.</summary>
    public static async Task<T> FirstPostEventAsync<T>(this EventRecorder recorder, string postId) where T : IPostEvent
    {
        ArgumentNullException.ThrowIfNull(recorder);
        await PipelineHost.WaitUntilAsync(() => recorder.Posts<T>(postId).Count >= 1, $"{typeof(T).Name} for {postId}", TimeSpan.FromSeconds(30));
        return recorder.Posts<T>(postId)[0];
    }
}
