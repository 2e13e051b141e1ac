namespace TokenWorkers.Tests.TestSupport;

/// <summary>
/// Runs a test's action at one point of the calls an HttpClient makes: before the first matching request leaves, after the
/// first answer arrives (the call reached the server and was processed), or on every answer, which it may rewrite.
/// </summary>
internal sealed class CallHook : DelegatingHandler
{
    private readonly Func<HttpRequestMessage, bool> _matches;
    private readonly Action? _before;
    private readonly Action<HttpResponseMessage>? _after;
    private readonly bool _once;
    private int _done;

    private CallHook(Func<HttpRequestMessage, bool> matches, Action? before, Action<HttpResponseMessage>? after, bool once)
    {
        _matches = matches;
        _before = before;
        _after = after;
        _once = once;
    }

    /// <summary><paramref name="action"/> once, as the first request (to <paramref name="path"/>, if given) is about to go out.</summary>
    public static CallHook BeforeFirst(Action action, string? path = null) =>
        new(r => path is null || r.RequestUri!.AbsolutePath == path, action, null, once: true);

    /// <summary><paramref name="action"/> once, when the first answer has arrived.</summary>
    public static CallHook AfterFirst(Action action) => new(_ => true, null, _ => action(), once: true);

    /// <summary><paramref name="onAnswer"/> on every answer, its body buffered so it may be read or replaced.</summary>
    public static CallHook OnEveryAnswer(Action<HttpResponseMessage> onAnswer) => new(_ => true, null, onAnswer, once: false);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var fire = _matches(request) && (!_once || Interlocked.Exchange(ref _done, 1) == 0);
        if (fire)
        {
            _before?.Invoke();
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (fire && _after is not null)
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            _after(response);
        }

        return response;
    }
}
