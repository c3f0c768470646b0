# What a local definition store opens (issue 24, item 7): a document that is a FIFO, a link to /dev/zero or
# 100 MB long is refused at once with its own ErrorId; nothing hangs and nothing is read whole. Each cmdlet runs
# in a child process, so that a hang would be seen (and ended) instead of stopping the test run.
BeforeAll {
    Import-Module $env:CISYNAPSE_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/TestStack.psm1') -Force
    $script:Token = New-CISynapseTestToken -ObjectId 'a1b2c3d4-0000-4000-8000-000000000021' -TenantId 'c1a5e0d2-0000-4000-8000-000000000001' -Audience 'https://127.0.0.1:1'
    $script:Target = @{ SubscriptionId = '5f1c0000-0000-4000-8000-000000000001'; ResourceGroupName = 'rg-ci'; WorkspaceName = 'ws-ci'
        StorageAccountName = 'cilake'; Container = 'exports'; SkipValidation = $true }

    # A store with one readable connection, made in this process.
    function New-TestStore {
        $path = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        $null = Connect-CISynapseAccount -AccessToken $Token -ResourceManagerUrl 'https://127.0.0.1:1/'
        Set-CISynapseStore -Location $path
        $null = New-CISynapseConnection -Name 'Good' @Target -WarningAction SilentlyContinue
        Set-CISynapseStore -Default
        $path
    }

    # Runs one cmdlet against the store in a child process. The deadline only guards against a hang; it is not
    # a measure of speed. Returns the ErrorIds of the errors the cmdlet wrote and the names it returned.
    function Invoke-InChild([string] $Store, [scriptblock] $Command) {
        $job = Start-Job -ScriptBlock {
            param($Module, $Store, $Token, $Command)
            Import-Module $Module
            $null = Connect-CISynapseAccount -AccessToken $Token -ResourceManagerUrl 'https://127.0.0.1:1/'
            Set-CISynapseStore -Location $Store
            $Error.Clear()
            $names = @()
            try { $names = @(& ([scriptblock]::Create($Command)) 2>$null | ForEach-Object Name) }
            catch { }
            [pscustomobject]@{ ErrorIds = @($Error | ForEach-Object { ($_.FullyQualifiedErrorId -split ',')[0] }); Names = $names }
        } -ArgumentList $env:CISYNAPSE_TEST_MODULE, $Store, $Token, $Command.ToString()
        try {
            $finished = Wait-Job -Job $job -Timeout 120
            $finished | Should -Not -BeNullOrEmpty -Because 'the cmdlet must answer, not hang on a special file'
            Receive-Job -Job $job -ErrorAction SilentlyContinue
        }
        finally {
            Remove-Job -Job $job -Force
        }
    }
}

AfterAll {
    Set-CISynapseStore -Default
    Disconnect-CISynapseAccount
}

Describe 'Special and oversized documents in a local store' -Skip:$IsWindows {
    It 'refuses a FIFO in place of the roles document, which every cmdlet reads: StoreDocumentNotRegularFile' {
        $store = New-TestStore
        Remove-Item -LiteralPath (Join-Path $store 'roles/assignments.json')
        & mkfifo (Join-Path $store 'roles/assignments.json')

        $result = Invoke-InChild $store { Get-CISynapseConnection -Name 'Good' }

        $result.ErrorIds | Should -Contain 'StoreDocumentNotRegularFile'
    }

    It 'refuses a connection document that is a FIFO and still lists the others: StoreDocumentNotRegularFile' {
        $store = New-TestStore
        & mkfifo (Join-Path $store 'connections/pipe.json')

        $result = Invoke-InChild $store { Get-CISynapseConnection }

        $result.ErrorIds | Should -Be @('StoreDocumentNotRegularFile')
        $result.Names | Should -Be @('Good')
    }

    It 'refuses a connection document linked to /dev/zero: StoreDocumentOutsideStore' {
        $store = New-TestStore
        $null = New-Item -ItemType SymbolicLink -Path (Join-Path $store 'connections/zero.json') -Target '/dev/zero'

        $result = Invoke-InChild $store { Get-CISynapseConnection -Name 'zero' }

        $result.ErrorIds | Should -Contain 'StoreDocumentOutsideStore'
    }

    It 'refuses a 100 MB connection document from its length: StoreDocumentTooLarge' {
        $store = New-TestStore
        $huge = [IO.File]::Create((Join-Path $store 'connections/huge.json'))
        try { $huge.SetLength(100MB) } finally { $huge.Dispose() }

        $result = Invoke-InChild $store { Get-CISynapseConnection -Name 'huge' }

        $result.ErrorIds | Should -Contain 'StoreDocumentTooLarge'
        (Get-Item -LiteralPath (Join-Path $store 'connections/huge.json')).Length | Should -Be 100MB -Because 'a refused document is left as it is'
    }
}
