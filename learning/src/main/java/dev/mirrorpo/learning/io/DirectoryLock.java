package dev.mirrorpo.learning.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One process at a time on an output directory: an exclusive lock on {@code .NAME.lock} beside the
 * directory, which names the process that holds it.
 *
 * <p>Beside rather than inside, because a dataset directory is replaced as a whole (moved aside, the new one
 * moved in) and the lock must cover the name through that swap. The operating system's lock dies with the
 * process, however it ends, so a lock file left by a killed run is stale by construction and is taken over
 * without a question; the pid in it only tells a refused user who is in the way. The file itself stays (see
 * {@link #close}).
 */
public final class DirectoryLock implements AutoCloseable {
  /**
   * The lock files this JVM holds, with what it does there. The operating system's record locks belong to
   * the process and are all released when any descriptor of the file closes, so this JVM must never open
   * a file it holds a second time, not even to read who holds it.
   */
  private static final Map<Path, String> HELD = new ConcurrentHashMap<>();

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private DirectoryLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /** The lock file of {@code directory}: {@code .NAME.lock} in its parent. */
  public static Path fileOf(Path directory) {
    Path absolute = directory.toAbsolutePath().normalize();
    return absolute.resolveSibling("." + absolute.getFileName() + ".lock");
  }

  /**
   * Takes the lock of {@code directory} for this process, creating its parent if needed.
   *
   * @param command what this process is doing there, for the message another process gets
   * @throws InUse one line naming the directory and the process that holds it
   */
  public static DirectoryLock acquire(Path directory, String command) {
    Path file = fileOf(directory);
    String holder = "process " + ProcessHandle.current().pid() + " (" + command + ", since " + Instant.now() + ")";
    String heldHere = HELD.putIfAbsent(file, holder);
    if (heldHere != null) {
      throw inUse(directory, heldHere);
    }
    try {
      Files.createDirectories(file.getParent());
      FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
      FileLock lock = tryLock(channel);
      if (lock == null) {
        String other = holder(channel);
        channel.close();
        throw inUse(directory, other);
      }
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(holder.getBytes(StandardCharsets.UTF_8)), 0);
      channel.force(true);
      return new DirectoryLock(file, channel, lock);
    } catch (IOException e) {
      HELD.remove(file);
      throw new UncheckedIOException("cannot lock " + directory + " (" + file + ")", e);
    } catch (RuntimeException e) {
      HELD.remove(file);
      throw e;
    }
  }

  private static InUse inUse(Path directory, String holder) {
    return new InUse(directory + " is in use by " + holder + "; wait for it to finish or stop it,"
        + " or choose another directory");
  }

  /** Another process holds the lock: a refusal like any bad input, which a scheduled run may take as "skip". */
  public static final class InUse extends IllegalArgumentException {
    InUse(String message) {
      super(message);
    }
  }

  private static FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException e) {
      return null; // not expected: HELD keeps this JVM from locking a file twice
    }
  }

  private static String holder(FileChannel channel) throws IOException {
    ByteBuffer content = ByteBuffer.allocate(4096);
    channel.read(content, 0);
    String text = new String(content.array(), 0, content.position(), StandardCharsets.UTF_8).trim();
    return text.isEmpty() ? "another process" : text;
  }

  /** Releases the lock; the emptied file stays, since deleting it could let two processes lock two files. */
  @Override
  public void close() {
    try {
      channel.truncate(0);
      lock.release();
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      HELD.remove(file);
    }
  }
}
