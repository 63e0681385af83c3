from people import roles as role_checks


def roles(request):
    user = request.user
    return {
        "role": {
            "trainee": role_checks.is_trainee(user),
            "trainer": role_checks.is_trainer(user),
            "assessor": role_checks.is_assessor(user),
            "admin": role_checks.is_admin(user),
        }
    }
