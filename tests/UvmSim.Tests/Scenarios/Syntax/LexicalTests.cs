using UvmSim.Kernel;
using UvmSim.Scenarios.Syntax;
using static UvmSim.Tests.Scenarios.Syntax.ParseHelpers;

namespace UvmSim.Tests.Scenarios.Syntax;

public class LexicalTests
{
    private static ulong Value(string number, ulong pageSize = 4096)
    {
        var brk = Assert.IsType<BrkCall>(LastCall($"A: brk {number}"));
        return brk.Length.Evaluate(_ => 0, pageSize);
    }

    [Theory]
    [InlineData("0", 0UL)]
    [InlineData("42", 42UL)]
    [InlineData("0x1F", 31UL)]
    [InlineData("0xffffffffffffffff", ulong.MaxValue)]
    [InlineData("18446744073709551615", ulong.MaxValue)]
    [InlineData("0600", 384UL)]
    [InlineData("0777", 511UL)]
    [InlineData("1p", 4096UL)]
    [InlineData("3k", 3072UL)]
    [InlineData("2m", 2UL << 20)]
    [InlineData("1g", 1UL << 30)]
    [InlineData("0x10k", 16UL << 10)]
    [InlineData("010p", 8UL * 4096)]
    [InlineData("16777215g", 16777215UL << 30)]
    public void Numbers_in_every_base_and_unit(string text, ulong expected) => Assert.Equal(expected, Value(text));

    [Fact]
    public void Page_numbers_stay_page_counts()
    {
        var brk = Assert.IsType<BrkCall>(LastCall("A: brk 3p"));
        Assert.Equal(Pg(3), brk.Length);
        Assert.Equal(3UL * 8192, brk.Length.Evaluate(_ => 0, 8192));
    }

    [Theory]
    [InlineData("08", "malformed number")]
    [InlineData("019", "malformed number")]
    [InlineData("0x", "malformed number")]
    [InlineData("0xg", "malformed number")]
    [InlineData("4q", "unknown unit")]
    [InlineData("4kb", "unknown unit")]
    [InlineData("4P", "unknown unit")]
    [InlineData("18446744073709551616", "64 bits")]
    [InlineData("0x10000000000000000", "64 bits")]
    [InlineData("02000000000000000000000", "64 bits")]
    [InlineData("17179869184g", "64 bits")]
    [InlineData("4503599627370496p", "64 bits")]
    [InlineData("18014398509481984k", "64 bits")]
    public void Malformed_numbers_are_errors_at_the_number(string text, string message) =>
        ErrorAt($"A: brk {text}", 8, message);

    [Fact]
    public void Page_overflow_uses_the_machine_page_size()
    {
        Ok("proc A\nA: brk 4503599627370495p\n");
        var error = Error("machine page=8192\nproc A\nA: brk 4503599627370495p\n");
        Assert.Equal((3, 8), (error.Line, error.Column));
    }

    [Fact]
    public void Expressions_wrap_modulo_2_to_the_64()
    {
        var brk = Assert.IsType<BrkCall>(LastCall("A: brk a+1p+16-0x10"));
        Assert.Equal(new Expr([Term.Named("a"), Term.Pages(1), Term.Number(16), Term.Number(16, negative: true)]), brk.Length);
        Assert.Equal(0x10000UL + 4096, brk.Length.Evaluate(_ => 0x10000, 4096));
        var wrap = Assert.IsType<BrkCall>(LastCall("A: brk 0xffffffffffffffff+2"));
        Assert.Equal(1UL, wrap.Length.Evaluate(_ => 0, 4096));
        var under = Assert.IsType<BrkCall>(LastCall("A: brk 0-1"));
        Assert.Equal(ulong.MaxValue, under.Length.Evaluate(_ => 0, 4096));
    }

    [Fact]
    public void A_name_may_be_called_p()
    {
        var s = Ok("proc A\nA: p = mmap 4p rw private|anon\nA: mlock p+1p 1p\n").Statements;
        var mlock = Assert.IsType<MlockCall>(Assert.IsType<CallStatement>(s[^1]).Call);
        Assert.Equal(new Expr([Term.Named("p"), Term.Pages(1)]), mlock.Address);
    }

    [Fact]
    public void Ranges_are_address_and_length()
    {
        var check = Assert.IsType<PwCheck>(LastCheck("A: check pw a+2p..2p == 0"));
        Assert.Equal(new Expr([Term.Named("a"), Term.Pages(2)]), check.Address);
        Assert.Equal(Pg(2), check.Length);
    }

    [Theory]
    [InlineData("\"a \\\"quoted\\\" word\"", "a \"quoted\" word")]
    [InlineData("\"back\\\\slash\"", "back\\slash")]
    [InlineData("\"# not a comment\"", "# not a comment")]
    [InlineData("\"\"", "")]
    [InlineData("\"ünï\tcode\"", "ünï\tcode")]
    public void Strings_with_escapes(string literal, string expected)
    {
        var check = Assert.IsType<AuditFindsCheck>(LastCheck($"check audit finds {literal}  # trailing"));
        Assert.Equal(expected, check.Text);
    }

    [Fact]
    public void Flag_sets_mix_words_and_numbers()
    {
        var mmap = Assert.IsType<MmapCall>(LastCall("A: mmap 1p rw private|anon|0x40"));
        Assert.Equal(new FlagSet(0x1042, ["private", "anon"]), mmap.Flags);
        Assert.Equal(0x40UL, mmap.Flags.RawBits);
        Assert.True(mmap.Flags.Has(Flags.MapAnon | Flags.MapPrivate));
    }

    [Fact]
    public void Utf8_bom_is_skipped_and_crlf_accepted()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. "proc A\r\nA: brk 1p\r\n"u8];
        var result = ScenarioParser.Parse("t.scn", bytes);
        Assert.True(result.Success, result.Error?.Render());
        Assert.Equal((2, 1, "A: brk 1p"), (result.Scenario.Statements[1].Line, result.Scenario.Statements[1].Column, result.Scenario.Statements[1].Text));
    }

    [Fact]
    public void Tabs_and_spaces_separate_tokens()
    {
        var s = Ok("proc\tA\nA:\tmlockall\tcurrent   =>\tEAGAIN\n").Statements;
        Assert.Equal(Expectation.Always(Outcome.Error(Errno.EAGAIN)), Assert.IsType<CallStatement>(s[1]).Expect);
    }

    [Fact]
    public void Keywords_are_case_sensitive()
    {
        ErrorAt("A: MLOCK a 1p", 4, "unknown call");
        ErrorAt("A: mlockall Current", 13, "unknown flag");
        ErrorAt("A: mlock a 1p => enomem", 18, "unknown outcome");
    }
}
