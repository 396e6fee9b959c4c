using UvmSim.Scenarios.Syntax;
using static UvmSim.Tests.Scenarios.Syntax.ParseHelpers;

namespace UvmSim.Tests.Scenarios.Syntax;

public class ParseErrorTests
{
    [Theory]
    // unknown statement, call, keyword, flag, PROT, errno, policy, machine or sysctl key, check form
    [InlineData("frobnicate 1", 1, "unknown statement")]
    [InlineData("mlock a 1p", 1, "needs a process prefix")]
    [InlineData("A: frob a", 4, "unknown call")]
    [InlineData("A: setrlimit stack 1 2", 14, "unknown resource")]
    [InlineData("A: minherit a 1p donate", 18, "unknown inheritance")]
    [InlineData("A: shmctl seg IPC_FOO", 15, "unknown shmctl command")]
    [InlineData("A: shmctl seg IPC_SET owner=3", 23, "unknown IPC_SET field")]
    [InlineData("A: mmap 1p rw private|anno", 23, "unknown flag")]
    [InlineData("A: mmap 1p rw create", 15, "unknown flag")]
    [InlineData("A: mmap 1p rwz private|anon", 12, "unknown protection")]
    [InlineData("A: mlock a 1p => EXDEV", 18, "unknown errno")]
    [InlineData("A: mlock a 1p => netbsd-10: EIO | 0", 18, "unknown policy")]
    [InlineData("A: mlock a 1p => netbsd-8: EIO | netbsd-8: 0", 34, "named twice")]
    [InlineData("A: mlock a 1p => 0 | netbsd-8: EIO", 22, "must come last")]
    [InlineData("A: mlock a 1p => maybe", 18, "unknown outcome")]
    // switch conditions (SWITCH=VALUE[,VALUE]:)
    [InlineData("A: mlock a 1p => wirin=split: EIO | 0", 18, "unknown switch 'wirin'")]
    [InlineData("A: mlock a 1p => wiring=splat: EIO | 0", 25, "switch 'wiring' takes counter, split, flag, not 'splat'")]
    [InlineData("A: mlock a 1p => sysv=segment,objekt: EIO | 0", 31, "switch 'sysv' takes")]
    [InlineData("A: mlock a 1p => sysv=segment, segment: EIO | 0", 32, "named twice")]
    [InlineData("A: mlock a 1p => wiring=: EIO | 0", 25, "missing a value")]
    [InlineData("A: mlock a 1p => wiring=split,sysv=legacy: EIO | 0", 31, "names one switch")]
    [InlineData("A: mlock a 1p => netbsd-8,wiring=split: EIO | 0", 27, "presets or one switch")]
    [InlineData("check wired == transient=held,address 3 | 4", 39, "expected ',' or ':'")]
    [InlineData("check frob == 1", 7, "unknown check")]
    [InlineData("check segment seg size == 1", 19, "unknown segment property")]
    [InlineData("sysctl shmfoo 1", 8, "unknown sysctl key")]
    [InlineData("check wired ~ 1", 13, "comparison operator")]
    [InlineData("A: check mlocked a < yes", 20, "takes == or !=")]
    [InlineData("A: check mlocked a == 1", 23, "yes or no")]
    [InlineData("check audit == yes", 16, "clean or dirty")]
    [InlineData("check wired == yes", 16, "expected a number")]
    [InlineData("A: mlock a 1p => panic oops", 24, "string")]
    [InlineData("check audit finds oops", 19, "string")]
    // missing or extra arguments: a missing one is reported one past the previous token
    [InlineData("A: munlock a", 13, "missing")]
    [InlineData("A: munlock a  => 0", 13, "missing")]
    [InlineData("A: mmap 1p rw", 14, "missing")]
    [InlineData("A:", 3, "missing call")]
    [InlineData("A: x =", 7, "missing call")]
    [InlineData("A: mlock a 1p =>", 17, "missing outcome")]
    [InlineData("A: mlock a 1p => netbsd-8:", 27, "missing outcome")]
    [InlineData("A: mlock a 1p => netbsd-8: EIO |", 33, "missing outcome")]
    [InlineData("A: mlock a 1p => panic", 23, "missing panic text")]
    [InlineData("check wired ==", 15, "missing")]
    [InlineData("check wired", 12, "missing comparison operator")]
    [InlineData("A: munlockall 5", 15, "extra argument")]
    [InlineData("A: mlock a 1p 2p", 15, "extra argument")]
    [InlineData("A: mlock a 1p => EIO EAGAIN", 22, "extra argument")]
    [InlineData("A: touch a 1 read 2", 19, "extra argument")]
    [InlineData("check audit finds \"x\" y", 23, "extra argument")]
    [InlineData("sysctl shmmax 4p => 0", 18, "extra argument")]
    // malformed numbers and names
    [InlineData("A: mlock a+ 1p", 12, "malformed expression")]
    [InlineData("A: mlock -a 1p", 10, "negative")]
    [InlineData("A: mlock a..1p 1p", 11, "unexpected '.'")]
    [InlineData("A: mlock a*2 1p", 11, "unexpected '*'")]
    [InlineData("A: check pw a.. == 1", 16, "missing value")]
    [InlineData("A: check pw a..08 == 1", 16, "malformed number")]
    // unterminated string
    [InlineData("check audit finds \"oops", 19, "unterminated string")]
    [InlineData("check audit finds \"oops\\\"", 19, "unterminated string")]
    [InlineData("check audit finds \"a\\n\"", 21, "unknown escape")]
    // reserved words as names, duplicates
    [InlineData("A: private = mmap 1p rw private|anon", 4, "reserved")]
    [InlineData("A: EIO = brk 1p", 4, "reserved")]
    [InlineData("A: SHM_X = brk 1p", 4, "reserved")]
    [InlineData("A: fork check", 9, "reserved")]
    [InlineData("proc dead", 6, "reserved")]
    [InlineData("file clean 1p", 6, "reserved")]
    [InlineData("A: mlock ok 1p", 10, "reserved")]
    [InlineData("proc A", 6, "declared twice")]
    [InlineData("A: fork B", 9, "declared twice")]
    [InlineData("file f 1p", 6, "declared twice")]
    [InlineData("A: file g 1p", 9, "declared twice")]
    [InlineData("A: 9x = brk 1p", 4, "malformed name")]
    // PROC: prefix rule
    [InlineData("A: check wired == 0", 1, "global")]
    [InlineData("A: check audit finds \"x\"", 1, "global")]
    [InlineData("B: check segment seg nattch == 0", 1, "global")]
    [InlineData("check pw a == 0", 7, "needs a PROC: prefix")]
    [InlineData("check entries == 0", 7, "needs a PROC: prefix")]
    [InlineData("A: x = check wired == 0", 8, "cannot bind")]
    // undeclared process, unbound name, unknown file
    [InlineData("C: brk 1p", 1, "unknown process")]
    [InlineData("check: brk 1p", 1, "reserved")]
    [InlineData("A: mlock q 1p", 10, "unknown name")]
    [InlineData("A: mlock a+1p+q 1p", 15, "unknown name")]
    [InlineData("A: mmap 1p r shared file h", 26, "unknown file")]
    // machine after the first proc
    [InlineData("machine pages=100", 1, "before the first proc")]
    public void Each_error_is_reported_at_its_column(string line, int column, string message) =>
        ErrorAt(line, column, message);

    [Theory]
    [InlineData("machine", 8, "missing")]
    [InlineData("machine pages", 9, "KEY=VALUE")]
    [InlineData("machine pages=", 15, "missing value")]
    [InlineData("machine pagez=5", 9, "unknown machine key")]
    [InlineData("machine diagnostics=maybe", 21, "on or off")]
    [InlineData("machine page=1000", 14, "power of two")]
    [InlineData("machine page=2048", 14, "power of two")]
    [InlineData("machine pages=08", 15, "malformed number")]
    [InlineData("machine pages=0", 15, "pages=0 is out of range (1-16777216)")]
    [InlineData("machine pages=16777217", 15, "out of range (1-16777216)")]
    [InlineData("machine page=2147483648", 14, "out of range (a power of two, 4096-1073741824)")]
    [InlineData("machine maxproc=2147483648", 17, "out of range (0-2147483647)")]
    [InlineData("machine freetarg=99999999999", 18, "out of range (0-2147483647)")]
    [InlineData("machine pages=x", 15, "malformed number")]
    [InlineData("proc A uid=", 12, "missing value")]
    [InlineData("proc A uid=1 uid=2", 14, "duplicate")]
    [InlineData("proc A home=1", 8, "unknown proc option")]
    [InlineData("proc", 5, "missing")]
    public void Errors_in_the_first_line(string line, int column, string message)
    {
        var error = Error("machine pages=100\n" + line + "\n");
        Assert.Equal((2, column), (error.Line, error.Column));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_first_error_wins_in_line_then_column_order()
    {
        var error = Error("proc A\nA: frob 08 \"oops\nA: brk 09\n");
        Assert.Equal((2, 4), (error.Line, error.Column));
        var badByteLater = ScenarioParser.Parse("t.scn", [.. "proc A\nA: frob\n# "u8, 0xFF, .. "\n"u8]);
        Assert.Equal((2, 4), (badByteLater.Error!.Line, badByteLater.Error.Column));
    }

    [Fact]
    public void Invalid_utf8_is_an_error_at_the_bytes_own_column()
    {
        // "proc A\nA: brk 1p # é<FF>" — é is one column, the bad byte the next.
        byte[] bytes = [.. "proc A\nA: brk 1p # \u00e9"u8, 0xFF, .. "x\n"u8];
        var error = ScenarioParser.Parse("bad.scn", bytes).Error!;
        Assert.Equal(("bad.scn", 2, 14), (error.File, error.Line, error.Column));
        Assert.Contains("UTF-8", error.Message, StringComparison.Ordinal);
        Assert.Equal("A: brk 1p # \u00e9\uFFFDx", error.SourceLine);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFE, 0x70 }, 1, 1)] // a UTF-16 BOM is just invalid UTF-8
    [InlineData(new byte[] { 0x70, 0x72, 0x6F, 0x63, 0x20, 0xC3 }, 1, 6)] // truncated sequence
    [InlineData(new byte[] { 0x70, 0xC0, 0xAF }, 1, 2)] // overlong
    [InlineData(new byte[] { 0x70, 0xED, 0xA0, 0x80 }, 1, 2)] // surrogate
    [InlineData(new byte[] { 0x70, 0xF4, 0x90, 0x80, 0x80 }, 1, 2)] // above U+10FFFF
    [InlineData(new byte[] { 0x09, 0xFF }, 1, 2)] // a tab counts one column
    [InlineData(new byte[] { 0x23, 0xFF, 0xFF }, 1, 2)] // in a comment too
    [InlineData(new byte[] { 0x23, 0x0A, 0x22, 0xFE, 0x22 }, 2, 2)] // in a string
    [InlineData(new byte[] { 0x70, 0x00 }, 1, 2)] // NUL
    [InlineData(new byte[] { 0x23, 0x20, 0x00 }, 1, 3)] // NUL in a comment
    public void Bad_bytes_anywhere(byte[] bytes, int line, int column)
    {
        var error = ScenarioParser.Parse("b.scn", bytes).Error!;
        Assert.Equal((line, column), (error.Line, error.Column));
    }

    [Fact]
    public void Columns_count_scalar_values_not_utf16_units()
    {
        // U+1F600 is two UTF-16 units but one column.
        var error = Error("check audit finds \"\U0001F600\" x\n");
        Assert.Equal(23, error.Column);
    }

    [Fact]
    public void Render_gives_the_three_line_form_with_a_caret()
    {
        var error = Error("proc A\nA: munlock p 4p\n");
        Assert.Equal("t.scn:2:12: error: unknown name 'p' (no earlier NAME = binds it)\nA: munlock p 4p\n           ^", error.Render());
    }

    [Fact]
    public void Render_copies_tabs_so_the_caret_lines_up()
    {
        var error = Error("proc A\n\tA:\tfrob\n");
        Assert.Equal((2, 5), (error.Line, error.Column));
        Assert.Equal("t.scn:2:5: error: unknown call 'frob'\n\tA:\tfrob\n\t  \t^", error.Render());
    }

    [Fact]
    public void A_missing_argument_caret_may_sit_past_the_end_of_the_line()
    {
        var error = Error("proc A\nA: brk\n");
        Assert.Equal("t.scn:2:7: error: missing LEN\nA: brk\n      ^", error.Render());
    }
}
