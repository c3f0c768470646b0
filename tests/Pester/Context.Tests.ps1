# Connect-, Get-, Disconnect-: the sign-in context, used as a script would.
BeforeAll {
    Import-Module $env:CISYNAPSE_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/TestStack.psm1') -Force
    $script:UserId = '0b1c2d3e-0000-4000-8000-000000000001'
    $script:TenantId = '7e57e57e-0000-4000-8000-000000000001'
    $script:ArmUrl = 'https://127.0.0.1:9/'
    $script:ArmToken = New-CISynapseTestToken -ObjectId $UserId -TenantId $TenantId -Audience 'https://127.0.0.1:9'
    $script:StorageToken = New-CISynapseTestToken -ObjectId $UserId -TenantId $TenantId -Audience 'https://storage.azure.com'
}

Describe 'Connect-CISynapseAccount with access tokens' {
    AfterEach { Disconnect-CISynapseAccount -Confirm:$false }

    It 'signs in as the token''s account in a custom cloud' {
        $context = Connect-CISynapseAccount -AccessToken $ArmToken -StorageAccessToken $StorageToken -ResourceManagerUrl $ArmUrl
        $context.Account | Should -Be $UserId
        $context.TenantId | Should -Be $TenantId
        $context.Environment | Should -Be 'Custom'
        $context.SignInMethod | Should -Be 'AccessToken'
        $context.TokenAudiences | Should -Contain 'https://storage.azure.com'
        (Get-CISynapseContext).Account | Should -Be $UserId
    }

    It 'takes a SecureString token, as Get-AzAccessToken -AsSecureString returns' {
        $secure = ConvertTo-SecureString $ArmToken -AsPlainText -Force
        (Connect-CISynapseAccount -AccessToken $secure -ResourceManagerUrl $ArmUrl).Account | Should -Be $UserId
    }

    It 'never shows a token in its output' {
        $context = Connect-CISynapseAccount -AccessToken $ArmToken -StorageAccessToken $StorageToken -ResourceManagerUrl $ArmUrl
        $text = ($context | Format-List * | Out-String) + ($context | ConvertTo-Json -Depth 5) + (Get-CISynapseContext | Out-String)
        $text | Should -Not -Match ([regex]::Escape($ArmToken.Split('.')[1]))
        $text | Should -Not -Match ([regex]::Escape($StorageToken.Split('.')[1]))
    }

    It 'refuses an expired token with AccessTokenExpired and keeps the previous context' {
        $expired = New-CISynapseTestToken -ObjectId $UserId -TenantId $TenantId -Audience 'https://127.0.0.1:9' -ExpiresIn ([timespan]::FromMinutes(-10))
        { Connect-CISynapseAccount -AccessToken $expired -ResourceManagerUrl $ArmUrl -ErrorAction Stop } |
            Should -Throw -ErrorId 'AccessTokenExpired,CustomerInsightsSynapse.Commands.ConnectCISynapseAccountCommand'
        (Get-CISynapseContext).SignInMethod | Should -Be 'Default'
    }

    It 'refuses a token that is not a JWT with InvalidAccessToken, without echoing it' {
        $err = $null
        Connect-CISynapseAccount -AccessToken 'not-a-jwt-secret' -ResourceManagerUrl $ArmUrl -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidAccessToken,*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err[0].ToString() | Should -Not -Match 'not-a-jwt-secret'
        $err[0].Exception.Message | Should -Not -Match 'not-a-jwt-secret'
    }

    It 'refuses a plain-http Resource Manager URL with UnknownCloud' {
        { Connect-CISynapseAccount -AccessToken $ArmToken -ResourceManagerUrl 'http://127.0.0.1:9/' -ErrorAction Stop } |
            Should -Throw -ErrorId 'UnknownCloud,*'
    }

    It 'changes nothing with -WhatIf' {
        Connect-CISynapseAccount -AccessToken $ArmToken -ResourceManagerUrl $ArmUrl -WhatIf | Should -BeNullOrEmpty
        (Get-CISynapseContext).SignInMethod | Should -Be 'Default'
    }
}

Describe 'Get-CISynapseContext and Disconnect-CISynapseAccount' {
    AfterEach { Disconnect-CISynapseAccount -Confirm:$false }

    It 'shows the default credential in the public cloud before any sign-in' {
        $context = Get-CISynapseContext
        $context.SignInMethod | Should -Be 'Default'
        $context.Environment | Should -Be 'AzureCloud'
        $context.ResourceManagerUrl | Should -Be 'https://management.azure.com/'
    }

    It 'forgets the sign-in and returns the cleared context with -PassThru' {
        $null = Connect-CISynapseAccount -AccessToken $ArmToken -ResourceManagerUrl $ArmUrl
        $cleared = Disconnect-CISynapseAccount -PassThru -Confirm:$false
        $cleared.Account | Should -Be $UserId
        (Get-CISynapseContext).SignInMethod | Should -Be 'Default'
        (Get-CISynapseContext).Account | Should -BeNullOrEmpty
    }

    It 'uses a national cloud''s endpoints with -Environment' {
        $token = New-CISynapseTestToken -ObjectId $UserId -TenantId $TenantId -Audience 'https://management.usgovcloudapi.net'
        $context = Connect-CISynapseAccount -AccessToken $token -Environment AzureUSGovernment
        $context.ResourceManagerUrl | Should -Be 'https://management.usgovcloudapi.net/'
        $context.GraphUrl | Should -Be 'https://graph.microsoft.us/'
    }
}
