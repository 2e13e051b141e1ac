using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace TokenWorkers.Storage.Encryption;

/// <summary>
/// <see cref="AesGcm"/> instances for one key, reused: creating one (a native cipher context and its key schedule) cost
/// more than encrypting a token with it. An instance is not thread-safe, so each caller rents one of its own and gives it
/// back; concurrent callers get different instances, and the pool keeps at most a bounded number idle.
/// </summary>
internal sealed class AesGcmPool(byte[] key, int tagSize)
{
    // More than the worker's concurrent encryptions (one per busy thread); a burst beyond it only creates and drops a few.
    private const int MaxIdle = 32;

    private readonly ConcurrentQueue<AesGcm> _idle = new();
    private int _idleCount;

    public Rented Rent()
    {
        if (_idle.TryDequeue(out var cipher))
        {
            Interlocked.Decrement(ref _idleCount);
            return new Rented(this, cipher);
        }

        return new Rented(this, new AesGcm(key, tagSize));
    }

    private void Return(AesGcm cipher)
    {
        if (Interlocked.Increment(ref _idleCount) <= MaxIdle)
        {
            _idle.Enqueue(cipher);
            return;
        }

        Interlocked.Decrement(ref _idleCount);
        cipher.Dispose();
    }

    /// <summary>One caller's instance until disposed, which gives it back. Each operation sets its own nonce, so a
    /// returned instance carries nothing of the previous caller's into the next.</summary>
    public readonly struct Rented(AesGcmPool pool, AesGcm cipher) : IDisposable
    {
        public AesGcm Cipher => cipher;

        public void Dispose() => pool.Return(cipher);
    }
}
