namespace TokenWorkers.Sandbox.State;

/// <summary>"The next N calls" counters shared by racing requests: each pending unit is taken exactly once.</summary>
internal static class Countdown
{
    public static bool TakeOne(ref int counter)
    {
        while (true)
        {
            var current = Volatile.Read(ref counter);
            if (current <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref counter, current - 1, current) == current)
            {
                return true;
            }
        }
    }
}
