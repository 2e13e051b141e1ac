namespace TokenWorkers.Refresh;

/// <summary>
/// How long a lease (or a post claim) must be to cover a call to LinkedIn: the call itself, the first attempt to store its
/// answer, and the difference between the clock that wrote the lease and the clock of the instance that reads it.
/// </summary>
public static class LeaseRules
{
    public static TimeSpan Needed(TimeSpan requestTimeout, TimeSpan clockSkewTolerance) =>
        requestTimeout + AnswerWriter.AttemptTimeout + clockSkewTolerance;
}
