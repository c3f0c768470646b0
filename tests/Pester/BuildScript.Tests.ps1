BeforeAll {
    $script:BuildScript = Join-Path $PSScriptRoot '../../build.ps1'
    # The function alone, taken from the script's syntax tree: running build.ps1 would start its tasks.
    $ast = [System.Management.Automation.Language.Parser]::ParseFile($script:BuildScript, [ref] $null, [ref] $null)
    $split = $ast.Find({ param($node) $node -is [System.Management.Automation.Language.FunctionDefinitionAst] -and $node.Name -eq 'Split-JoinedBenchArgument' }, $false)
    . ([scriptblock]::Create($split.Extent.Text))
}

Describe 'build.ps1 -Task Bench arguments' {
    It "splits '<Joined>', the one word bash makes of an array given to -BenchArguments, back into PowerShell's words" -ForEach @(
        @{ Joined = 'lake,--quick'; Words = @('lake', '--quick') }
        @{ Joined = 'lake,--latency,0,5,20,--quick'; Words = @('lake', '--latency', '0,5,20', '--quick') }
        @{ Joined = 'sql,cdm,--repeat,9'; Words = @('sql,cdm', '--repeat', '9') }
        @{ Joined = '--quick,--no-rss'; Words = @('--quick', '--no-rss') }
    ) {
        @(Split-JoinedBenchArgument @($Joined)) | Should -Be $Words
    }

    It "leaves '<Words>' alone: words PowerShell passed apart, or a scenario list" -ForEach @(
        @{ Words = @('lake', '--latency', '0,5') }
        @{ Words = @('lake,cdm') }
        @{ Words = @('--quick') }
    ) {
        @(Split-JoinedBenchArgument $Words) | Should -Be $Words
    }

    It 'refuses words after the parameters of any task but Bench, before doing anything' {
        $output = & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -File $script:BuildScript -Task Build --quick 2>&1 | Out-String
        $LASTEXITCODE | Should -Not -Be 0
        $output | Should -Match 'Only -Task Bench takes more words; these were not understood: --quick'
        $output | Should -Not -Match 'Building'
    }
}

Describe 'The Pester suite runner' {
    It 'fails, and says why, when its file-name filter matches no test file' {
        $results = Join-Path ([IO.Path]::GetTempPath()) "cisynapse-suite-$([guid]::NewGuid())"
        $null = New-Item -ItemType Directory -Path $results
        try {
            $pester = (Get-Module Pester).Path -replace '\.psm1$', '.psd1'
            $runner = Join-Path $PSScriptRoot 'Invoke-PesterSuite.ps1'
            $null = & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -File $runner -PesterModule $pester -ResultFolder $results -PathFilter 'tests/Pester/NoSuch.Tests.ps1' 2>&1
            $LASTEXITCODE | Should -Be 1
            $summary = Get-Content -Raw (Join-Path $results 'pester-summary.json') | ConvertFrom-Json
            $summary.Failed | Should -Be 1
            $summary.FailedTests | Should -Match "no test file in tests/Pester matches 'tests/Pester/NoSuch.Tests.ps1'"
        }
        finally {
            Remove-Item -Recurse -Force $results -ErrorAction Ignore
        }
    }
}
