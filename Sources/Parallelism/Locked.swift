#if canImport(Glibc)
  import Glibc
#endif

/// A value guarded by a POSIX mutex: `withLock` gives one thread at a time `inout` access.
///
/// Used instead of `Synchronization.Mutex`, which on Linux locks with raw futexes that
/// ThreadSanitizer cannot see — every critical section would be reported as a race and real
/// races would drown in them. `pthread_mutex_lock` is intercepted by the sanitizer, so a clean
/// ThreadSanitizer run means something.
public final class Locked<Value>: @unchecked Sendable {
  private let mutex: UnsafeMutablePointer<pthread_mutex_t>
  private var value: Value

  /// A lock guarding `value`.
  public init(_ value: Value) {
    self.value = value
    mutex = .allocate(capacity: 1)
    mutex.initialize(to: pthread_mutex_t())
    pthread_mutex_init(mutex, nil)
  }

  deinit {
    pthread_mutex_destroy(mutex)
    mutex.deallocate()
  }

  /// Runs `body` with exclusive access to the value.
  public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    return try body(&value)
  }
}
