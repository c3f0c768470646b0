# The test stack (Azurite + Azure emulator) seen through the built module, the way a user's session sees Azure:
# a Resource Manager URL, access tokens, the endpoints Resource Manager returns, and SSL_CERT_FILE for trust.
BeforeAll {
    Import-Module $env:CISYNAPSE_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/TestStack.psm1') -Force

    $script:Stack = Start-CISynapseTestStack
    $script:Scenario = $Stack.Scenario
    $workspace = $Scenario.synapseWorkspaces[0]
    $script:WorkspacePath = "subscriptions/$($workspace.subscriptionId)/resourceGroups/$($workspace.resourceGroup)/providers/Microsoft.Synapse/workspaces/$($workspace.name)?api-version=2021-06-01"
    $script:WorkspaceName = $workspace.name

    # The module's own clients (Core's AzureRestClient from the session Connect-CISynapseAccount made). There is no
    # workspace cmdlet yet, so the test reaches the session the cmdlets use through the module's assembly.
    function script:Get-ModuleSession {
        $cmdletAssembly = (Get-Module CustomerInsightsSynapse).ImplementingAssembly
        $cmdletAssembly.GetType('CustomerInsightsSynapse.Infrastructure.ModuleSession', $true).GetProperty('Current').GetValue($null)
    }

    function script:Invoke-ModuleGet($Client, [string] $Path) {
        $Client.GetAsync($Path, [Threading.CancellationToken]::None).GetAwaiter().GetResult()
    }
}

AfterAll {
    if ($script:Stack) { Stop-CISynapseTestStack -Stack $script:Stack }
    Get-Module CustomerInsightsSynapse | Remove-Module -Force
}

Describe 'The Azure test stack' {
    It 'starts Azurite and the emulator on local HTTPS ports' {
        $Stack.ResourceManagerUrl | Should -Match '^https://127\.0\.0\.1:\d+/$'
        $Stack.AzuriteBlobUrl | Should -Match '^https://127\.0\.0\.1:\d+/devstoreaccount1$'
        Get-Process -Id $Stack.EmulatorProcessId | Should -Not -BeNullOrEmpty
        Get-Process -Id $Stack.AzuriteProcessId | Should -Not -BeNullOrEmpty
    }

    It 'gives Azurite a port below the ephemeral range, which no socket bound to port 0 can be handed meanwhile' -Skip:(-not (Test-Path /proc/sys/net/ipv4/ip_local_port_range) -or [int](((Get-Content -Raw /proc/sys/net/ipv4/ip_local_port_range).Trim() -split '\s+')[0]) -le 2048) {
        $ephemeralStart = [int](((Get-Content -Raw /proc/sys/net/ipv4/ip_local_port_range).Trim() -split '\s+')[0])
        $port = [int]([uri]$Stack.DirectAzuriteBlobUrl).Port
        $port | Should -BeLessThan $ephemeralStart
        $port | Should -BeGreaterOrEqual 1024
    }

    It 'lets the module sign in with the scenario user''s tokens and the emulator''s Resource Manager URL' {
        $arguments = $Stack.ConnectArguments
        $context = Connect-CISynapseAccount @arguments

        $context.Account | Should -Be $Scenario.signedInUser
        $context.TenantId | Should -Be $Scenario.tenantId
        (Get-CISynapseContext).ResourceManagerUrl | Should -Be $Stack.ResourceManagerUrl
        (Get-CISynapseContext).SignInMethod | Should -Be 'AccessToken'
    }

    It 'reads the workspace through the module''s own Resource Manager client' {
        $client = (Get-ModuleSession).CreateResourceManagerClient()
        $client.BaseUri.AbsoluteUri | Should -Be $Stack.ResourceManagerUrl
        Reset-CISynapseEmulatorRequestLog -Stack $Stack

        $response = Invoke-ModuleGet $client $WorkspacePath

        $response.Status | Should -Be 200
        $properties = $response.Root.GetProperty('properties')
        $properties.GetProperty('connectivityEndpoints').GetProperty('dev').GetString() | Should -Be "$($Stack.EmulatorUrl)/synapse/$WorkspaceName"
        $properties.GetProperty('defaultDataLakeStorage').GetProperty('filesystem').GetString() | Should -Be 'customerinsights'
        $response.Root.GetProperty('identity').GetProperty('principalId').GetString() | Should -Be $Scenario.synapseWorkspaces[0].identity.principalId
        Get-CISynapseEmulatorRequestCount -Stack $Stack -Route 'GET workspace' | Should -Be 1
    }

    It 'follows the dev endpoint Resource Manager returned, with the Synapse token' {
        $session = Get-ModuleSession
        $client = $session.CreateResourceManagerClient()
        $dev = (Invoke-ModuleGet $client $WorkspacePath).Root.GetProperty('properties').GetProperty('connectivityEndpoints').GetProperty('dev').GetString()
        $synapse = $session.CreateRestClient([uri]"$dev/", $session.Cloud.SynapseAudience)

        $assignments = Invoke-ModuleGet $synapse 'roleAssignments?api-version=2020-12-01'

        $ciPrincipal = ($Scenario.principals | Where-Object { $_.appId -eq '0bfc4568-a4ba-4c58-bd3e-5d3e76bd7fff' }).id
        $principals = $assignments.Root.GetProperty('value').EnumerateArray() | ForEach-Object { $_.GetProperty('principalId').GetString() }
        $principals | Should -Contain $ciPrincipal
    }

    It 'retries a throttled request after Retry-After through the module''s pipeline' {
        $client = (Get-ModuleSession).CreateResourceManagerClient()
        Reset-CISynapseEmulatorRequestLog -Stack $Stack
        Set-CISynapseEmulatorFault -Stack $Stack -Kind 429 -RetryAfterSeconds 1 -MaxCount 1 -Match 'GET workspace'
        try {
            $response = Invoke-ModuleGet $client $WorkspacePath
        } finally {
            Set-CISynapseEmulatorFault -Stack $Stack -Clear
        }

        $response.Status | Should -Be 200
        $log = Get-CISynapseEmulatorRequestLog -Stack $Stack | Where-Object route -EQ 'GET workspace'
        @($log).Count | Should -Be 2
        $log[0].status | Should -Be 429
        $log[1].status | Should -Be 200
    }

    It 'answers a plain REST call with the same token (Invoke-RestMethod, trusted through SSL_CERT_FILE)' {
        $headers = @{ Authorization = "Bearer $($Stack.Tokens.ResourceManager)" }

        $workspace = Invoke-RestMethod -Headers $headers -Uri "$($Stack.ResourceManagerUrl)$WorkspacePath"

        $workspace.name | Should -Be $WorkspaceName
        $workspace.properties.defaultDataLakeStorage.accountUrl | Should -BeLike "https://127.0.0.1:*/$($Scenario.storageAccounts[0].name)"
    }

    It 'points the storage account''s blob endpoint at an Azurite account that accepts the Storage token' {
        $account = $Scenario.storageAccounts[0]
        $headers = @{ Authorization = "Bearer $($Stack.Tokens.ResourceManager)" }
        $arm = Invoke-RestMethod -Headers $headers -Uri "$($Stack.ResourceManagerUrl)subscriptions/$($account.subscriptionId)/resourceGroups/$($account.resourceGroup)/providers/Microsoft.Storage/storageAccounts/$($account.name)?api-version=2023-01-01"
        $blob = $arm.properties.primaryEndpoints.blob
        $storageHeaders = @{ Authorization = "Bearer $($Stack.Tokens.Storage)"; 'x-ms-version' = '2021-08-06' }

        $created = Invoke-WebRequest -Method Put -Headers $storageHeaders -Uri "${blob}pester-check?restype=container"
        $listed = (Invoke-WebRequest -Headers $storageHeaders -Uri "${blob}?comp=list").Content

        $blob | Should -Be ($Stack.AzuriteBlobUrl -replace 'devstoreaccount1$', "$($account.name)/")
        $created.StatusCode | Should -Be 201
        $listed | Should -Match '<Name>pester-check</Name>'
    }

    It 'rejects an expired token with the Resource Manager error' {
        $expired = New-CISynapseTestToken -ObjectId $Scenario.signedInUser -TenantId $Scenario.tenantId -Audience $Stack.EmulatorUrl -ExpiresIn ([timespan]::FromMinutes(-5))

        $answer = Invoke-WebRequest -SkipHttpErrorCheck -Headers @{ Authorization = "Bearer $expired" } -Uri "$($Stack.ResourceManagerUrl)$WorkspacePath"

        $answer.StatusCode | Should -Be 401
        ($answer.Content | ConvertFrom-Json).error.code | Should -Be 'ExpiredAuthenticationToken'
    }

    It 'is a tenant where every prerequisite check of the module passes' {
        $account = $Scenario.storageAccounts[0]
        $workspace = $Scenario.synapseWorkspaces[0]
        $check = @{
            SubscriptionId             = $workspace.subscriptionId
            WorkspaceResourceGroupName = $workspace.resourceGroup
            WorkspaceName              = $workspace.name
            StorageAccountResourceId   = "/subscriptions/$($account.subscriptionId)/resourceGroups/$($account.resourceGroup)/providers/Microsoft.Storage/storageAccounts/$($account.name)"
            Container                  = $account.containers[0].name
            QueryUserObjectId          = @(($Scenario.principals | Where-Object { $_.displayName -eq 'Quinn Query' }).id)
        }

        $results = @(Test-CISynapsePrerequisite @check)

        $results.Count | Should -BeGreaterThan 10
        $results | Where-Object Status -NE 'Passed' | ForEach-Object { "$($_.CheckId): $($_.Status) $($_.Reason)" } | Should -BeNullOrEmpty
    }

    It 'swaps in a tenant that misses one prerequisite without restarting' {
        $missing = $Scenario | ConvertTo-Json -Depth 32 | ConvertFrom-Json -AsHashtable
        $missing.roleAssignments = @($missing.roleAssignments | Where-Object { $_.description -notlike 'Workspace managed identity*' })
        $identity = $Scenario.synapseWorkspaces[0].identity.principalId
        $account = $Scenario.storageAccounts[0]
        $scope = "subscriptions/$($account.subscriptionId)/resourceGroups/$($account.resourceGroup)/providers/Microsoft.Storage/storageAccounts/$($account.name)"
        $filter = [uri]::EscapeDataString("atScope() and assignedTo('$identity')")
        $client = (Get-ModuleSession).CreateResourceManagerClient()
        $before = Invoke-ModuleGet $client "$scope/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&`$filter=$filter"

        Set-CISynapseEmulatorScenario -Stack $Stack -Scenario $missing
        $after = Invoke-ModuleGet $client "$scope/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&`$filter=$filter"

        $before.Root.GetProperty('value').GetArrayLength() | Should -Be 1
        $after.Root.GetProperty('value').GetArrayLength() | Should -Be 0
    }

    It 'stops, leaving no Azurite or emulator process and no temporary data behind' {
        $ids = @($Stack.AzuriteProcessId, $Stack.EmulatorProcessId)
        $temp = $Stack.TempFolder

        Stop-CISynapseTestStack -Stack $Stack
        $script:Stack = $null

        foreach ($id in $ids) { Get-Process -Id $id -ErrorAction Ignore | Should -BeNullOrEmpty }
        Test-Path $temp | Should -BeFalse
        $leftovers = Get-Process -ErrorAction Ignore | Where-Object { $_.CommandLine -and $_.CommandLine -like "*$temp*" }
        $leftovers | Should -BeNullOrEmpty
    }
}
